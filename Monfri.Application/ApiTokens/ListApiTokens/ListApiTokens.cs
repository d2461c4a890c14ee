using Mediator;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;

namespace Monfri.Application.ApiTokens.ListApiTokens;

/// <summary>The signed-in user's own tokens, newest first.</summary>
// Every user manages their own tokens, whatever their roles.
[AllowAnyUser]
public sealed record ListApiTokensQuery : IQuery<Result<IReadOnlyList<ApiTokenDto>>>;

public sealed class ListApiTokensHandler(IIdentityService identity, ICurrentUser currentUser)
    : IQueryHandler<ListApiTokensQuery, Result<IReadOnlyList<ApiTokenDto>>>
{
    public async ValueTask<Result<IReadOnlyList<ApiTokenDto>>> Handle(ListApiTokensQuery query, CancellationToken cancellationToken) =>
        currentUser.Id is { } userId
            ? Result<IReadOnlyList<ApiTokenDto>>.Success(await identity.ListApiTokensAsync(userId, cancellationToken))
            : Result<IReadOnlyList<ApiTokenDto>>.Unauthorized("Sign in to see your API tokens.");
}
