using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Monfri.Infrastructure.Persistence;

namespace Monfri.Infrastructure.Identity;

/// <summary>
/// Turns a bearer secret into the owner's principal (with their current roles), or null when the token
/// is unknown, revoked, expired, or its owner is deactivated.
/// </summary>
public sealed class ApiTokenAuthenticator(
    IServiceScopeFactory scopes,
    IDbContextFactory<MonfriDbContext> dbFactory,
    TimeProvider clock)
{
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    public async Task<ClaimsPrincipal?> AuthenticateAsync(string secret, string authenticationType, CancellationToken cancellationToken)
    {
        if (!secret.StartsWith(ApiTokenSecrets.Prefix, StringComparison.Ordinal) || secret.Length > 200)
        {
            return null;
        }

        var hash = ApiTokenSecrets.Hash(secret);
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var token = await db.ApiTokens.AsNoTracking()
            .Include(t => t.User)
            .FirstOrDefaultAsync(t => t.SecretHash == hash, cancellationToken);
        if (token is not { RevokedAt: null, User.IsActive: true } || token.ExpiresAt <= now)
        {
            return null;
        }

        if (token.LastUsedAt is null || now - token.LastUsedAt > LastUsedResolution)
        {
            await db.ApiTokens.Where(t => t.Id == token.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), cancellationToken);
        }

        await using var scope = scopes.CreateAsyncScope();
        var factory = scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<AppUser>>();
        var principal = await factory.CreateAsync(token.User);
        var identity = new ClaimsIdentity(principal.Claims, authenticationType, ClaimTypes.Name, ClaimTypes.Role);
        identity.AddClaim(new Claim("monfri:token", token.Id.ToString()));
        return new ClaimsPrincipal(identity);
    }
}
