using Microsoft.Extensions.DependencyInjection;
using Monfri.Application.Privacy;
using Monfri.Infrastructure.Scheduling;

namespace Monfri.Infrastructure.Privacy;

public static class PrivacyServices
{
    /// <summary>Privacy requests (export, delete, suppress), their job handler, and the suppression list the ingest workers consult.</summary>
    public static IServiceCollection AddPrivacy(this IServiceCollection services)
    {
        services.AddSingleton<SuppressionList>();
        services.AddSingleton<IEmailSuppression>(sp => sp.GetRequiredService<SuppressionList>());
        services.AddSingleton<IPrivacyRequestStore, PrivacyRequestStore>();
        services.AddSingleton<PrivacyExporter>();
        services.AddSingleton<PrivacyEraser>();
        services.AddSingleton<PrivacySuppressor>();
        services.AddJob<PrivacyRequestHandler>(PrivacyRequestHandler.Kind);
        return services;
    }
}
