using Mediator;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;

namespace Monfri.Application.ApiTokens.RevokeApiToken;

/// <summary>Revokes one of the signed-in user's tokens; calls with it get 401 from then on.</summary>
// Every user manages their own tokens, whatever their roles.
[AllowAnyUser]
public sealed record RevokeApiTokenCommand(Guid TokenId) : ICommand<Result>;

public sealed class RevokeApiTokenHandler(IIdentityService identity, ICurrentUser currentUser)
    : ICommandHandler<RevokeApiTokenCommand, Result>
{
    public async ValueTask<Result> Handle(RevokeApiTokenCommand command, CancellationToken cancellationToken) =>
        currentUser.Id is { } userId
            ? await identity.RevokeApiTokenAsync(userId, command.TokenId, cancellationToken)
            : Result.Unauthorized("Sign in to revoke a token.");
}
