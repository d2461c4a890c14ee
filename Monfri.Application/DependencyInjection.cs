using FluentValidation;
using Microsoft.Extensions.DependencyInjection;
using Monfri.Application.Crm.Common;

namespace Monfri.Application;

public static class DependencyInjection
{
    /// <summary>Use-case services. Mediator itself is configured in Monfri.Web's MediatorConfig.</summary>
    public static IServiceCollection AddApplication(this IServiceCollection services)
    {
        // A rule stops at its first failure. JSON fills a required list or text with null whatever the type says, and
        // "NotEmpty().Must(roles => roles.All(…))" then ran the Must on the null: a 500 instead of "Choose at least one role".
        ValidatorOptions.Global.DefaultRuleLevelCascadeMode = CascadeMode.Stop;
        services.AddValidatorsFromAssembly(typeof(DependencyInjection).Assembly, ServiceLifetime.Singleton, includeInternalTypes: true);
        services.AddScoped<CrmAccess>();
        return services;
    }
}
