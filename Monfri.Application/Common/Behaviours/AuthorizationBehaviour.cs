using System.Reflection;
using Mediator;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;

namespace Monfri.Application.Common.Behaviours;

/// <summary>
/// Refuses a request whose sender lacks the roles the message declares with <see cref="RequiresRoleAttribute"/>.
/// Runs before validation so an unauthorized caller learns nothing about the data.
/// </summary>
public sealed class AuthorizationBehaviour<TMessage, TResponse>(ICurrentUser currentUser)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IMessage
{
    private static readonly RequiresRoleAttribute? Required = typeof(TMessage).GetCustomAttribute<RequiresRoleAttribute>();
    private static readonly bool AllowsAnonymous = typeof(TMessage).GetCustomAttribute<AllowAnonymousAttribute>() is not null;

    public ValueTask<TResponse> Handle(
        TMessage message,
        MessageHandlerDelegate<TMessage, TResponse> next,
        CancellationToken cancellationToken)
    {
        if (currentUser.IsSystem || AllowsAnonymous && Required is null)
        {
            return next(message, cancellationToken);
        }

        if (!currentUser.IsAuthenticated)
        {
            return ValueTask.FromResult(ResultFailure<TResponse>.For(
                ResultStatus.Unauthorized, [new ResultError("Sign in to do this.")]));
        }

        if (Required is not null && !Required.Roles.Any(currentUser.IsInRole))
        {
            return ValueTask.FromResult(ResultFailure<TResponse>.For(
                ResultStatus.Forbidden,
                [new ResultError($"This needs the {string.Join(" or ", Required.Roles)} role.")]));
        }

        return next(message, cancellationToken);
    }
}
