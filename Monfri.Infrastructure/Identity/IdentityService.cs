using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Monfri.Application.ApiTokens;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Users;
using Monfri.Infrastructure.Persistence;
using Riok.Mapperly.Abstractions;

namespace Monfri.Infrastructure.Identity;

/// <summary>
/// Accounts and tokens on ASP.NET Core Identity. Each call works in its own DI scope, so Identity's
/// DbContext lives for one operation even when called from a long-lived Blazor circuit.
/// </summary>
internal sealed class IdentityService(
    IServiceScopeFactory scopes,
    IDbContextFactory<MonfriDbContext> dbFactory,
    TimeProvider clock) : IIdentityService
{
    public async Task<IReadOnlyList<UserDto>> ListUsersAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var users = await db.Users.AsNoTracking().OrderBy(u => u.DisplayName).ToListAsync(cancellationToken);
        var roles = await RolesByUserAsync(db, null, cancellationToken);
        var now = clock.GetUtcNow();
        return users.Select(u => ToDto(u, roles.GetValueOrDefault(u.Id, []), now)).ToList();
    }

    public async Task<UserDto?> FindUserAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null)
        {
            return null;
        }

        var roles = await RolesByUserAsync(db, userId, cancellationToken);
        return ToDto(user, roles.GetValueOrDefault(userId, []), clock.GetUtcNow());
    }

    public async Task<Result<UserDto>> CreateUserAsync(NewUser request, Guid? actorId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = UsersActingAs(scope, actorId);
        if (await users.FindByEmailAsync(request.Email) is not null)
        {
            return Result<UserDto>.Conflict($"A user with the email {request.Email} already exists.");
        }

        var user = new AppUser
        {
            Id = Guid.CreateVersion7(),
            UserName = request.Email,
            Email = request.Email,
            EmailConfirmed = true,
            DisplayName = request.DisplayName,
            CreatedAt = clock.GetUtcNow(),
        };
        var created = await users.CreateAsync(user, request.Password);
        if (!created.Succeeded)
        {
            return Result<UserDto>.Invalid(ToErrors(created));
        }

        var rolesAdded = await users.AddToRolesAsync(user, request.Roles);
        if (!rolesAdded.Succeeded)
        {
            await users.DeleteAsync(user);
            return Result<UserDto>.Invalid(ToErrors(rolesAdded));
        }

        return ToDto(user, [.. request.Roles.Order()], clock.GetUtcNow());
    }

    public async Task<Result> SetRolesAsync(Guid userId, IReadOnlyCollection<string> roles, Guid? actorId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = UsersActingAs(scope, actorId);
        if (await users.FindByIdAsync(userId.ToString()) is not { } user)
        {
            return Result.NotFound("That user does not exist.");
        }

        var current = await users.GetRolesAsync(user);
        var removed = await users.RemoveFromRolesAsync(user, current.Except(roles));
        var added = removed.Succeeded ? await users.AddToRolesAsync(user, roles.Except(current)) : removed;
        if (!added.Succeeded)
        {
            return Result.Invalid(ToErrors(added));
        }

        // A new stamp makes open sessions pick up the new roles at their next check.
        await users.UpdateSecurityStampAsync(user);
        return Result.Success();
    }

    public async Task<Result> SetActiveAsync(Guid userId, bool active, Guid? actorId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = UsersActingAs(scope, actorId);
        if (await users.FindByIdAsync(userId.ToString()) is not { } user)
        {
            return Result.NotFound("That user does not exist.");
        }

        user.IsActive = active;
        var updated = await users.UpdateAsync(user);
        if (!updated.Succeeded)
        {
            return Result.Invalid(ToErrors(updated));
        }

        await users.UpdateSecurityStampAsync(user);
        return Result.Success();
    }

    public async Task<Result<CreatedApiToken>> CreateApiTokenAsync(Guid userId, string name, DateTimeOffset? expiresAt, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.ActorId = userId; // a user makes their own tokens
        if (!await db.Users.AnyAsync(u => u.Id == userId && u.IsActive, cancellationToken))
        {
            return Result<CreatedApiToken>.NotFound("That user does not exist or is deactivated.");
        }

        var secret = ApiTokenSecrets.NewSecret();
        var token = new ApiToken
        {
            Id = Guid.CreateVersion7(),
            UserId = userId,
            Name = name,
            Prefix = ApiTokenSecrets.DisplayPrefix(secret),
            SecretHash = ApiTokenSecrets.Hash(secret),
            CreatedAt = clock.GetUtcNow(),
            ExpiresAt = expiresAt,
        };
        db.ApiTokens.Add(token);
        await db.SaveChangesAsync(cancellationToken);
        return new CreatedApiToken(ApiTokenMapper.ToDto(token), secret);
    }

    public async Task<IReadOnlyList<ApiTokenDto>> ListApiTokensAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await ApiTokenMapper.ProjectToDto(db.ApiTokens.Where(t => t.UserId == userId).OrderByDescending(t => t.CreatedAt))
            .ToListAsync(cancellationToken);
    }

    public async Task<Result> RevokeApiTokenAsync(Guid userId, Guid tokenId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.ActorId = userId;
        // Loaded and saved (not a bulk update) so the revocation goes through the audit log like every change.
        var token = await db.ApiTokens.FirstOrDefaultAsync(t => t.Id == tokenId && t.UserId == userId && t.RevokedAt == null, cancellationToken);
        if (token is null)
        {
            return Result.NotFound("No active token with that id belongs to you.");
        }

        token.RevokedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return Result.Success();
    }

    /// <summary>
    /// Identity's user manager in <paramref name="scope"/>, on a context that names <paramref name="actorId"/> in the
    /// audit log. Without an actor it is Monfri's own provisioning (demo users), which is not audited.
    /// </summary>
    private static UserManager<AppUser> UsersActingAs(AsyncServiceScope scope, Guid? actorId)
    {
        var db = scope.ServiceProvider.GetRequiredService<MonfriDbContext>();
        db.ActorId = actorId;
        db.SuppressAudit = actorId is null;
        return scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
    }

    private static async Task<Dictionary<Guid, string[]>> RolesByUserAsync(MonfriDbContext db, Guid? userId, CancellationToken cancellationToken)
    {
        var pairs = await (
                from userRole in db.UserRoles
                join role in db.Roles on userRole.RoleId equals role.Id
                where userId == null || userRole.UserId == userId
                select new { userRole.UserId, role.Name })
            .ToListAsync(cancellationToken);
        return pairs.GroupBy(p => p.UserId).ToDictionary(g => g.Key, g => g.Select(p => p.Name!).Order().ToArray());
    }

    private static UserDto ToDto(AppUser user, string[] roles, DateTimeOffset now) =>
        new(user.Id, user.Email ?? "", user.DisplayName, roles, user.IsActive,
            user.LockoutEnd is { } end && end > now, user.CreatedAt, user.LastSignInAt);

    private static ResultError[] ToErrors(IdentityResult result) =>
        result.Errors.Select(e => new ResultError(e.Description, e.Code.Contains("Password", StringComparison.Ordinal) ? "Password" : null)).ToArray();
}

[Mapper]
internal static partial class ApiTokenMapper
{
    [MapperIgnoreSource(nameof(ApiToken.UserId))]
    [MapperIgnoreSource(nameof(ApiToken.User))]
    [MapperIgnoreSource(nameof(ApiToken.SecretHash))]
    public static partial ApiTokenDto ToDto(ApiToken token);

    public static partial IQueryable<ApiTokenDto> ProjectToDto(IQueryable<ApiToken> tokens);
}
