using System.Reflection;
using Mediator;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;

namespace Monfri.Application.Common.Behaviours;

/// <summary>
/// Refuses a request whose sender lacks the permission the message declares with <see cref="RequiresPermissionAttribute"/>
/// (or, for a message not yet converted, one of the roles of its <see cref="RequiresRoleAttribute"/>).
/// Runs before validation so an unauthorized caller learns nothing about the data.
/// </summary>
public sealed class AuthorizationBehaviour<TMessage, TResponse>(ICurrentUser currentUser)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IMessage
{
    private static readonly Permission? RequiredPermission = typeof(TMessage).GetCustomAttribute<RequiresPermissionAttribute>()?.Permission;
    private static readonly RequiresRoleAttribute? RequiredRoles = typeof(TMessage).GetCustomAttribute<RequiresRoleAttribute>();
    private static readonly bool AllowsAnonymous = typeof(TMessage).GetCustomAttribute<AllowAnonymousAttribute>() is not null;

    public ValueTask<TResponse> Handle(
        TMessage message,
        MessageHandlerDelegate<TMessage, TResponse> next,
        CancellationToken cancellationToken)
    {
        if (currentUser.IsSystem || AllowsAnonymous && RequiredPermission is null && RequiredRoles is null)
        {
            return next(message, cancellationToken);
        }

        if (!currentUser.IsAuthenticated)
        {
            return ValueTask.FromResult(ResultFailure<TResponse>.For(
                ResultStatus.Unauthorized, [new ResultError("Sign in to do this.")]));
        }

        if (RequiredPermission is { } permission && !currentUser.Can(permission))
        {
            return Forbidden(RolePermissions.RolesWith(permission));
        }

        if (RequiredRoles is not null && !RequiredRoles.Roles.Any(currentUser.IsInRole))
        {
            return Forbidden(RequiredRoles.Roles);
        }

        return next(message, cancellationToken);
    }

    private static ValueTask<TResponse> Forbidden(IReadOnlyList<string> roles) =>
        ValueTask.FromResult(ResultFailure<TResponse>.For(
            ResultStatus.Forbidden,
            [new ResultError($"This needs the {string.Join(" or ", roles)} role.")]));
}
