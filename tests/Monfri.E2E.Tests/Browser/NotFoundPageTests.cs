using Microsoft.Playwright;
using Monfri.TestSupport;

namespace Monfri.E2E.Tests.Browser;

/// <summary>An address typed into the browser that leads nowhere shows the app's own page, not the browser's.</summary>
public sealed class NotFoundPageTests(MonfriAppFixture fixture) : IClassFixture<MonfriAppFixture>
{
    [Fact]
    public async Task A_typed_unknown_address_shows_the_apps_not_found_page_signed_in_or_not()
    {
        var page = await fixture.Browser.NewPageAsync(fixture.App.BaseUrl);

        var anonymous = await page.GotoAsync("/no/such/page");
        Assert.Equal(404, anonymous!.Status);
        await Assertions.Expect(page.GetByText("Page not found")).ToBeVisibleAsync();
        await Assertions.Expect(page).ToHaveTitleAsync("Not found · Monfri");

        await BrowserFixture.SignInAsync(page, MonfriProcess.AdminEmail, MonfriProcess.AdminPassword);
        var signedIn = await page.GotoAsync("/contacts-typo");
        Assert.Equal(404, signedIn!.Status);
        await Assertions.Expect(page.GetByText("Page not found")).ToBeVisibleAsync();
        await page.GetByText("Go home").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=welcome]")).ToBeVisibleAsync();
    }
}
