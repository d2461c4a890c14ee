using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Monfri.Application.Conditions;
using Monfri.Application.Segments;
using Monfri.Infrastructure.Conditions;

namespace Monfri.Infrastructure.Segments;

public static class SegmentServices
{
    /// <summary>The condition catalog, the segment engine and the worker that keeps membership live.</summary>
    public static IServiceCollection AddSegments(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<SegmentOptions>(configuration.GetSection(SegmentOptions.Section));
        services.AddSingleton<IConditionCatalogSource, ConditionCatalogSource>();
        services.AddSingleton<SegmentEngine>();
        services.AddSingleton<ISegmentEngine>(sp => sp.GetRequiredService<SegmentEngine>());
        services.AddSingleton<SegmentChangeInterceptor>();
        services.AddSingleton<SegmentWorker>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<SegmentWorker>());
        return services;
    }
}
