using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Monfri.Domain.Common;
using Monfri.Infrastructure.Persistence;

namespace Monfri.Infrastructure.Identity;

/// <summary>
/// Makes sure the roles and the first admin exist. The admin comes from Monfri:Bootstrap; without it a
/// password is generated and reported once, on the start that creates the admin.
/// </summary>
public sealed class IdentitySeeder(
    IServiceScopeFactory scopes,
    IDbContextFactory<MonfriDbContext> dbFactory,
    IOptions<BootstrapOptions> options,
    TimeProvider clock,
    ILogger<IdentitySeeder> logger)
{
    public const string DefaultAdminEmail = "admin@monfri.local";

    public async Task<BootstrapReport> SeedAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        // Provisioning from configuration (roles, the first admin, its token) is not audited: the configuration is its record.
        scope.ServiceProvider.GetRequiredService<MonfriDbContext>().SuppressAudit = true;
        var roleManager = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole<Guid>>>();
        foreach (var role in Roles.All)
        {
            if (!await roleManager.RoleExistsAsync(role))
            {
                await roleManager.CreateAsync(new IdentityRole<Guid>(role) { Id = Guid.CreateVersion7() });
            }
        }

        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var settings = options.Value;
        var email = string.IsNullOrWhiteSpace(settings.AdminEmail) ? null : settings.AdminEmail.Trim();
        var admin = email is not null
            ? await users.FindByEmailAsync(email)
            : (await users.GetUsersInRoleAsync(Roles.Admin)).OrderBy(u => u.CreatedAt).FirstOrDefault();
        email ??= admin?.Email ?? DefaultAdminEmail;

        var report = admin is null
            ? await CreateAdminAsync(users, email, settings.AdminPassword)
            : await UpdateAdminAsync(users, admin, settings.AdminPassword);

        if (!string.IsNullOrWhiteSpace(settings.AdminApiToken))
        {
            var user = await users.FindByEmailAsync(email) ?? throw new InvalidOperationException("The admin vanished during start-up.");
            await EnsureTokenAsync(user.Id, settings.AdminApiToken.Trim(), cancellationToken);
        }

        return report;
    }

    private async Task<BootstrapReport> CreateAdminAsync(UserManager<AppUser> users, string email, string? configuredPassword)
    {
        var password = string.IsNullOrEmpty(configuredPassword) ? GeneratePassword() : configuredPassword;
        var admin = new AppUser
        {
            Id = Guid.CreateVersion7(),
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            DisplayName = "Administrator",
            CreatedAt = clock.GetUtcNow(),
        };
        Check(await users.CreateAsync(admin, password), "create the first admin");
        Check(await users.AddToRoleAsync(admin, Roles.Admin), "give the first admin the Admin role");
        logger.LogInformation("Created the first admin {Email}", email);
        return new BootstrapReport(email, configuredPassword is { Length: > 0 } ? null : password, Created: true, PasswordFromConfiguration: configuredPassword is { Length: > 0 });
    }

    /// <summary>A configured password is the source of truth: the admin can always sign in with it.</summary>
    private static async Task<BootstrapReport> UpdateAdminAsync(UserManager<AppUser> users, AppUser admin, string? configuredPassword)
    {
        if (!await users.IsInRoleAsync(admin, Roles.Admin))
        {
            Check(await users.AddToRoleAsync(admin, Roles.Admin), "give the bootstrap admin the Admin role");
        }

        if (!admin.IsActive)
        {
            admin.IsActive = true;
            Check(await users.UpdateAsync(admin), "reactivate the bootstrap admin");
        }

        if (!string.IsNullOrEmpty(configuredPassword) && !await users.CheckPasswordAsync(admin, configuredPassword))
        {
            Check(await users.RemovePasswordAsync(admin), "reset the admin password");
            Check(await users.AddPasswordAsync(admin, configuredPassword), "set the configured admin password");
        }

        return new BootstrapReport(admin.Email!, null, Created: false, PasswordFromConfiguration: !string.IsNullOrEmpty(configuredPassword));
    }

    private async Task EnsureTokenAsync(Guid adminId, string secret, CancellationToken cancellationToken)
    {
        if (!secret.StartsWith(ApiTokenSecrets.Prefix, StringComparison.Ordinal) || secret.Length < 24)
        {
            throw new Postgres.MonfriStartupException(
                $"Monfri__Bootstrap__AdminApiToken must start with '{ApiTokenSecrets.Prefix}' and be at least 24 characters long.");
        }

        var hash = ApiTokenSecrets.Hash(secret);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.SuppressAudit = true;
        if (await db.ApiTokens.AnyAsync(t => t.SecretHash == hash, cancellationToken))
        {
            return;
        }

        db.ApiTokens.Add(new ApiToken
        {
            Id = Guid.CreateVersion7(),
            UserId = adminId,
            Name = "Bootstrap token (Monfri__Bootstrap__AdminApiToken)",
            Prefix = ApiTokenSecrets.DisplayPrefix(secret),
            SecretHash = hash,
            CreatedAt = clock.GetUtcNow(),
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    private static string GeneratePassword()
    {
        // 20 characters from an unambiguous alphabet, plus the classes Identity's defaults expect.
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";
        var chars = Enumerable.Range(0, 20).Select(_ => alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)]);
        return new string([.. chars]) + "-7a";
    }

    private static void Check(IdentityResult result, string action)
    {
        if (!result.Succeeded)
        {
            throw new Postgres.MonfriStartupException(
                $"Could not {action}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
        }
    }
}
