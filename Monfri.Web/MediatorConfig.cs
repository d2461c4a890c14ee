using Mediator;
using Monfri.Application.Common.Behaviours;

namespace Monfri.Web;

/// <summary>
/// The one place Mediator is configured: which assembly holds the use cases, the lifetime, and the
/// ordered pipeline every command and query passes through.
/// </summary>
public static class MediatorConfig
{
    public static IServiceCollection AddMonfriMediator(this IServiceCollection services) =>
        services.AddMediator((MediatorOptions options) =>
        {
            // Scoped: handlers see the caller's ICurrentUser (a circuit or an HTTP request).
            options.ServiceLifetime = ServiceLifetime.Scoped;
            options.Assemblies = [typeof(Monfri.Application.DependencyInjection)];
            options.PipelineBehaviors =
            [
                typeof(LoggingBehaviour<,>),
                typeof(AuthorizationBehaviour<,>),
                typeof(ValidationBehaviour<,>),
            ];
        });
}
