using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Monfri.Application.Cdp.Traits;
using Monfri.Infrastructure.Scheduling;

namespace Monfri.Infrastructure.Traits;

public static class TraitServices
{
    /// <summary>Computed traits: the maintenance API, the backfill worker and the ageing job (recurring, on the job scheduler).</summary>
    public static IServiceCollection AddComputedTraits(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<TraitOptions>(configuration.GetSection(TraitOptions.Section));
        services.AddSingleton<ComputedTraitStore>();
        services.AddSingleton<IComputedTraitMaintenance>(sp => sp.GetRequiredService<ComputedTraitStore>());
        services.AddSingleton<Application.Cdp.Profiles.GetProfileTraits.IComputedTraitReader, ComputedTraitReader>();
        services.AddSingleton<Application.Cdp.Common.IProfileRecompute, ComputedTraitRecompute>();
        services.AddSingleton<TraitBackfill>();
        services.AddSingleton<ITraitBackfillSignal>(sp => sp.GetRequiredService<TraitBackfill>());
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<TraitBackfill>());
        services.AddJob<TraitAgeing>(TraitAgeing.Kind, every: sp =>
            sp.GetRequiredService<IOptions<TraitOptions>>().Value is { RunWorkers: true } traits ? traits.AgeingInterval : null);
        return services;
    }
}
