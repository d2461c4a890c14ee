using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Monfri.TestSupport;

namespace Monfri.E2E.Tests.Browser;

public sealed class SignInTests(MonfriAppFixture fixture) : IClassFixture<MonfriAppFixture>
{
    private async Task<(Guid Id, string Email, string Password)> CreateUserAsync(string name, params string[] roles)
    {
        var email = $"{name.ToLowerInvariant().Replace(' ', '.')}.{Guid.NewGuid():N}@e2e.test";
        const string password = "browser-user-password";
        var response = await fixture.App.AdminClient().PostAsJsonAsync("/api/v1/users", new { email, displayName = name, password, roles });
        response.EnsureSuccessStatusCode();
        var user = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (user.GetProperty("id").GetGuid(), email, password);
    }

    [Fact]
    public async Task A_user_signs_in_sees_the_shell_with_their_name_and_signs_out()
    {
        var user = await CreateUserAsync("Sam Seller", "Sales");
        var page = await fixture.Browser.NewPageAsync(fixture.App.BaseUrl);

        await page.GotoAsync("/");
        Assert.Contains("/account/login", page.Url, StringComparison.Ordinal);
        await BrowserFixture.SignInAsync(page, user.Email, user.Password);

        Assert.Equal("Welcome, Sam Seller", (await page.TextContentAsync("[data-testid=welcome]"))?.Trim());
        Assert.Equal("Sam Seller", (await page.TextContentAsync("[data-testid=signed-in-user]"))?.Trim());
        await page.WaitForSelectorAsync("[data-testid=live-status]:has-text('Live')");
        Assert.Equal(0, await page.Locator("text=Users").CountAsync());

        await page.ClickAsync("[data-testid=signed-in-user]");
        await page.ClickAsync("[data-testid=sign-out]");
        await page.WaitForURLAsync("**/account/login?signedOut=1");
        await page.GotoAsync("/");
        Assert.Contains("/account/login", page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_password_shows_a_generic_error_and_repeated_failures_lock_the_account()
    {
        var user = await CreateUserAsync("Lou Locked", "Sales");
        var page = await fixture.Browser.NewPageAsync(fixture.App.BaseUrl);

        for (var attempt = 1; attempt <= 5; attempt++)
        {
            await page.GotoAsync("/account/login");
            await page.FillAsync("#email", user.Email);
            await page.FillAsync("#password", "not-the-password");
            await page.ClickAsync("[data-testid=sign-in]");
            var error = await page.TextContentAsync("[data-testid=login-error]");
            Assert.Equal(attempt < 5 ? "The email or password is incorrect." : "Too many failed attempts. Sign-in is locked for a while; try again in 15 minutes.", error?.Trim());
        }

        await page.FillAsync("#email", user.Email);
        await page.FillAsync("#password", user.Password);
        await page.ClickAsync("[data-testid=sign-in]");
        Assert.Contains("locked", await page.TextContentAsync("[data-testid=login-error]") ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_email_gets_the_same_message_as_a_wrong_password()
    {
        var page = await fixture.Browser.NewPageAsync(fixture.App.BaseUrl);
        await page.GotoAsync("/account/login");
        await page.FillAsync("#email", "nobody@e2e.test");
        await page.FillAsync("#password", "whatever-password");
        await page.ClickAsync("[data-testid=sign-in]");

        Assert.Equal("The email or password is incorrect.", (await page.TextContentAsync("[data-testid=login-error]"))?.Trim());
    }

    [Fact]
    public async Task An_admin_creates_a_user_in_the_browser_who_can_then_sign_in()
    {
        var admin = await fixture.Browser.NewPageAsync(fixture.App.BaseUrl);
        await BrowserFixture.SignInAsync(admin, MonfriProcess.AdminEmail, MonfriProcess.AdminPassword);
        await BrowserFixture.GotoAsync(admin, "/admin/users");
        await admin.ClickAsync("[data-testid=new-user]");
        var email = $"nina.{Guid.NewGuid():N}@e2e.test";

        await admin.FillAsync("[data-testid=user-email]", "not an email");
        await admin.FillAsync("[data-testid=user-name]", "Nina New");
        await admin.FillAsync("[data-testid=user-password]", "short");
        await admin.ClickAsync("[data-testid=create-user]");
        await admin.WaitForSelectorAsync("text=The password needs at least 12 characters.");
        await admin.WaitForSelectorAsync("text=Enter a valid email address.");

        await admin.FillAsync("[data-testid=user-email]", email);
        await admin.FillAsync("[data-testid=user-password]", "nina-password-long");
        await admin.ClickAsync("[data-testid=role-Marketing] input");
        await admin.ClickAsync("[data-testid=create-user]");
        await admin.WaitForSelectorAsync($"[data-testid=users-table] >> text={email}");

        var nina = await fixture.Browser.NewPageAsync(fixture.App.BaseUrl);
        await BrowserFixture.SignInAsync(nina, email, "nina-password-long");
        Assert.Contains("Marketing", await nina.TextContentAsync("body") ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deactivating_a_user_ends_their_open_session()
    {
        var user = await CreateUserAsync("Dee Parted", "Sales");
        var page = await fixture.Browser.NewPageAsync(fixture.App.BaseUrl);
        await BrowserFixture.SignInAsync(page, user.Email, user.Password);
        await page.WaitForSelectorAsync("[data-testid=live-status]:has-text('Live')");

        var response = await fixture.App.AdminClient().PostAsync($"/api/v1/users/{user.Id}/deactivate", null);
        response.EnsureSuccessStatusCode();

        await page.WaitForURLAsync("**/account/login**", new PageWaitForURLOptions { Timeout = 15_000 });
        await page.GotoAsync("/");
        Assert.Contains("/account/login", page.Url, StringComparison.Ordinal);
        await page.FillAsync("#email", user.Email);
        await page.FillAsync("#password", user.Password);
        await page.ClickAsync("[data-testid=sign-in]");
        Assert.Equal("The email or password is incorrect.", (await page.TextContentAsync("[data-testid=login-error]"))?.Trim());
    }
}
