using FluentValidation;
using Microsoft.Extensions.DependencyInjection;
using Monfri.Application.Common.Events;
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
        AddDomainEventHandlers(services);
        return services;
    }

    /// <summary>Every domain event handler of this assembly (a module's reactions live beside its use cases).</summary>
    private static void AddDomainEventHandlers(IServiceCollection services)
    {
        Type[] kinds = [typeof(IDomainEventHandler<>), typeof(IBeforeCommitHandler<>)];
        foreach (var type in typeof(DependencyInjection).Assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false, IsGenericTypeDefinition: false }))
        {
            foreach (var contract in type.GetInterfaces().Where(i => i.IsGenericType && kinds.Contains(i.GetGenericTypeDefinition())))
            {
                // Scoped: a handler may read the database or the acting user of the scope that saved.
                services.AddScoped(contract, type);
            }
        }
    }
}
