using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Monfri.Infrastructure.Scheduling;

public static class JobServices
{
    /// <summary>The job scheduler: the runner, the recurring schedule, this node's worker, and the pruning of old jobs.</summary>
    public static IServiceCollection AddJobScheduler(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<JobOptions>(configuration.GetSection(JobOptions.Section));
        services.AddSingleton<JobRunner>();
        services.AddSingleton<RecurringJobs>();
        services.AddSingleton<JobWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<JobWorker>());
        services.AddJob<JobPruning>(JobPruning.Kind, every: _ => TimeSpan.FromHours(1));
        return services;
    }

    /// <summary>Registers <typeparamref name="THandler"/> (a singleton) as the handler of jobs of kind <paramref name="name"/>.</summary>
    /// <param name="concurrency">How many of the kind one node runs at once (1 when null).</param>
    /// <param name="every">The period of a recurring kind; null (or a null result) for a kind that is only enqueued.</param>
    public static IServiceCollection AddJob<THandler>(
        this IServiceCollection services, string name, int maxAttempts = 5, Func<IServiceProvider, int>? concurrency = null, Func<IServiceProvider, TimeSpan?>? every = null)
        where THandler : class, IJobHandler
    {
        services.TryAddSingleton<THandler>();
        services.AddSingleton(sp => new JobKind(name, typeof(THandler), concurrency?.Invoke(sp) ?? 1, maxAttempts, every?.Invoke(sp)));
        return services;
    }
}
