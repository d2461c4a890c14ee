using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Monfri.Application.Cdp.Common;

namespace Monfri.Infrastructure.Ingestion;

public static class IngestionServices
{
    /// <summary>The CDP pipeline: intake, workers, upkeep, live ticks, source keys, profile reads.</summary>
    public static IServiceCollection AddIngestion(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<IngestOptions>(configuration.GetSection(IngestOptions.Section));
        services.AddSingleton<IngestIntake>();
        services.AddSingleton<IIngestIntake>(sp => sp.GetRequiredService<IngestIntake>());
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<IngestIntake>());
        services.AddSingleton<IngestLiveTicker>();
        services.AddSingleton<ISourceDebugFeed>(sp => sp.GetRequiredService<IngestLiveTicker>());
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<IngestLiveTicker>());
        services.AddSingleton<ISourceDirectory, SourceDirectory>();
        services.AddSingleton<EventPartitions>();
        services.AddSingleton<IngestProcessor>();
        services.AddSingleton<IngestMaintenance>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<IngestMaintenance>());
        services.AddSingleton<IngestWorkers>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<IngestWorkers>());
        services.AddSingleton<SourceBootstrapper>();
        services.AddSingleton<IProfileStore, ProfileStore>();
        services.AddSingleton<Monfri.Application.Cdp.Profiles.IEventTimelineStore, EventTimelineStore>();
        return services;
    }
}
