using Microsoft.AspNetCore.Identity;
using Monfri.Domain.Common;
using Monfri.Infrastructure.Identity;
using Monfri.TestSupport;

namespace Monfri.Application.Tests.Users;

public sealed class BootstrapAdminTests
{
    [Fact]
    public async Task Without_configuration_the_first_start_generates_a_working_password_and_later_starts_do_not()
    {
        await using var app = await MonfriServices.StartAsync("generated", seed: false);

        var first = await app.Get<IdentitySeeder>().SeedAsync(CancellationToken.None);
        var second = await app.Get<IdentitySeeder>().SeedAsync(CancellationToken.None);

        Assert.True(first.Created);
        Assert.Equal(IdentitySeeder.DefaultAdminEmail, first.AdminEmail);
        Assert.NotNull(first.GeneratedPassword);
        Assert.True(first.GeneratedPassword.Length >= 12);
        Assert.False(second.Created);
        Assert.Null(second.GeneratedPassword);
        await using var scope = app.Provider.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var admin = (await users.FindByEmailAsync(IdentitySeeder.DefaultAdminEmail))!;
        Assert.True(await users.CheckPasswordAsync(admin, first.GeneratedPassword));
        Assert.True(await users.IsInRoleAsync(admin, Roles.Admin));
        foreach (var role in Roles.All)
        {
            Assert.True(await scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole<Guid>>>().RoleExistsAsync(role));
        }
    }

    [Fact]
    public async Task A_configured_password_is_applied_to_an_existing_admin_on_the_next_start()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Monfri:Bootstrap:AdminEmail"] = "ops@example.test",
            ["Monfri:Bootstrap:AdminPassword"] = "first-password-long",
        };
        await using var app = await MonfriServices.StartAsync("configured", settings);
        settings["Monfri:Bootstrap:AdminPassword"] = "second-password-long";
        await using var restarted = await MonfriServices.StartAsync(connectionString: app.ConnectionString, settings: settings);

        await using var scope = restarted.Provider.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var admin = (await users.FindByEmailAsync("ops@example.test"))!;
        Assert.True(await users.CheckPasswordAsync(admin, "second-password-long"));
        Assert.False(await users.CheckPasswordAsync(admin, "first-password-long"));
        Assert.Single(await users.GetUsersInRoleAsync(Roles.Admin));
    }

    [Fact]
    public async Task A_malformed_bootstrap_token_stops_start_up_with_a_clear_message()
    {
        var failure = await Assert.ThrowsAsync<Monfri.Infrastructure.Postgres.MonfriStartupException>(() =>
            MonfriServices.StartAsync("badtoken", new Dictionary<string, string?> { ["Monfri:Bootstrap:AdminApiToken"] = "secret" }));

        Assert.Contains("Monfri__Bootstrap__AdminApiToken", failure.Message, StringComparison.Ordinal);
    }
}
