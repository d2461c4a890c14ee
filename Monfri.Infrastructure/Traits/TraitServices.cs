using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Monfri.Application.Cdp.Traits;

namespace Monfri.Infrastructure.Traits;

public static class TraitServices
{
    /// <summary>Computed traits: the maintenance API, the backfill worker and the ageing job.</summary>
    public static IServiceCollection AddComputedTraits(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<TraitOptions>(configuration.GetSection(TraitOptions.Section));
        services.AddSingleton<ComputedTraitStore>();
        services.AddSingleton<IComputedTraitMaintenance>(sp => sp.GetRequiredService<ComputedTraitStore>());
        services.AddSingleton<Application.Cdp.Profiles.IComputedTraitReader, ComputedTraitReader>();
        services.AddSingleton<Application.Cdp.Common.IProfileRecompute, ComputedTraitRecompute>();
        services.AddSingleton<TraitBackfill>();
        services.AddSingleton<ITraitBackfillSignal>(sp => sp.GetRequiredService<TraitBackfill>());
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<TraitBackfill>());
        services.AddSingleton<TraitAgeing>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<TraitAgeing>());
        return services;
    }
}
