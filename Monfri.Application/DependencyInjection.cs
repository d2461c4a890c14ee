using FluentValidation;
using Microsoft.Extensions.DependencyInjection;
using Monfri.Application.Crm.Common;

namespace Monfri.Application;

public static class DependencyInjection
{
    /// <summary>Use-case services. Mediator itself is configured in Monfri.Web's MediatorConfig.</summary>
    public static IServiceCollection AddApplication(this IServiceCollection services)
    {
        services.AddValidatorsFromAssembly(typeof(DependencyInjection).Assembly, ServiceLifetime.Singleton, includeInternalTypes: true);
        services.AddScoped<CrmAccess>();
        return services;
    }
}
