using Monfri.Application.ApiTokens;
using Monfri.Application.Common.Results;
using Monfri.Application.Users;

namespace Monfri.Application.Common.Security;

/// <summary>
/// User accounts and API tokens, kept by ASP.NET Core Identity in Infrastructure. The seam exists so
/// use cases stay free of Identity's types and every account change passes through the Mediator pipeline.
/// </summary>
public interface IIdentityService
{
    Task<IReadOnlyList<UserDto>> ListUsersAsync(CancellationToken cancellationToken);

    Task<UserDto?> FindUserAsync(Guid userId, CancellationToken cancellationToken);

    /// <summary>
    /// Account changes name who made them (<paramref name="actorId"/>) in the audit log; null is Monfri itself at
    /// start-up (the demo's users), which, like the rest of seeding, is not audited.
    /// </summary>
    Task<Result<UserDto>> CreateUserAsync(NewUser user, Guid? actorId, CancellationToken cancellationToken);

    Task<Result> SetRolesAsync(Guid userId, IReadOnlyCollection<string> roles, Guid? actorId, CancellationToken cancellationToken);

    /// <summary>Deactivating also ends the user's open sessions and stops their API tokens.</summary>
    Task<Result> SetActiveAsync(Guid userId, bool active, Guid? actorId, CancellationToken cancellationToken);

    Task<Result<CreatedApiToken>> CreateApiTokenAsync(Guid userId, string name, DateTimeOffset? expiresAt, CancellationToken cancellationToken);

    Task<IReadOnlyList<ApiTokenDto>> ListApiTokensAsync(Guid userId, CancellationToken cancellationToken);

    Task<Result> RevokeApiTokenAsync(Guid userId, Guid tokenId, CancellationToken cancellationToken);
}

public sealed record NewUser(string Email, string DisplayName, string Password, IReadOnlyCollection<string> Roles);
