using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Monfri.TestSupport;

namespace Monfri.E2E.Tests.Browser;

public sealed class MergeTests : IClassFixture<MonfriAppFixture>
{
    private readonly MonfriAppFixture fixture;

    public MergeTests(MonfriAppFixture fixture)
    {
        this.fixture = fixture;
        // The machine is shared: give a slow render the same patience as the page's default timeout.
        Assertions.SetDefaultExpectTimeout(20_000);
    }

    private async Task<JsonElement> PostAsync(string url, object body)
    {
        var response = await fixture.App.AdminClient().PostAsJsonAsync(url, body);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>
    /// Opens a page from the menu once the app is interactive (home shows "Live"): from then on navigation
    /// stays in the circuit, so no click lands on a not-yet-interactive, prerendered page.
    /// </summary>
    private static async Task OpenFromMenuAsync(IPage page, string href)
    {
        await page.WaitForSelectorAsync("[data-testid=live-status]:has-text('Live')");
        await page.ClickAsync($"a[href='{href}']");
        await page.WaitForURLAsync($"**{href}");
    }

    [Fact]
    public async Task Two_contacts_with_the_same_name_at_one_company_are_merged_from_the_duplicates_page()
    {
        var company = (await PostAsync("/api/v1/companies", new { name = "Browser Merge Ltd" })).GetProperty("id").GetGuid();
        var older = await PostAsync("/api/v1/contacts", new { firstName = "Grace", lastName = "Hopper", email = "grace@browser-merge.test", jobTitle = "Engineer", companyId = company });
        var newer = await PostAsync("/api/v1/contacts", new { firstName = "Grace", lastName = "Hopper", email = "amazing.grace@browser-merge.test", jobTitle = "Rear Admiral", phone = "+1 202 555 0142", companyId = company });
        var olderId = older.GetProperty("id").GetGuid();
        var newerId = newer.GetProperty("id").GetGuid();
        var page = await fixture.Browser.NewPageAsync(fixture.App.BaseUrl);
        await BrowserFixture.SignInAsync(page, MonfriProcess.AdminEmail, MonfriProcess.AdminPassword);

        await OpenFromMenuAsync(page, "/contacts");
        await page.ClickAsync("[data-testid=duplicates]");
        var pair = page.Locator("[data-testid=duplicate-pair]", new PageLocatorOptions { HasText = "grace@browser-merge.test" });
        await Assertions.Expect(pair).ToContainTextAsync("Same name at the same company");
        await pair.Locator("[data-testid=merge-pair]").ClickAsync();
        await page.WaitForURLAsync($"**/contacts/merge?a={olderId}&b={newerId}");

        // The older record is kept; its job title is replaced by the newer one's, the phone only the newer one has comes along.
        await page.ClickAsync("[data-testid=take-b-jobTitle]");
        await page.ClickAsync("[data-testid=merge]");

        await page.WaitForURLAsync($"**/contacts/{olderId}");
        await Assertions.Expect(page.Locator("[data-testid=contact-name]")).ToHaveTextAsync("Grace Hopper");
        var body = page.Locator("body");
        await Assertions.Expect(body).ToContainTextAsync("Rear Admiral");
        await Assertions.Expect(body).ToContainTextAsync("+1 202 555 0142");
        await Assertions.Expect(body).ToContainTextAsync("amazing.grace@browser-merge.test");
        await page.ClickAsync(".mud-tab:has-text('History')");
        var history = page.Locator("[data-testid=record-history]");
        await Assertions.Expect(history).ToContainTextAsync("merged a duplicate into this record");
        await Assertions.Expect(history).ToContainTextAsync($"Merged Grace Hopper (amazing.grace@browser-merge.test) into this record (its id was {newerId})");
        await Assertions.Expect(history).ToContainTextAsync("jobTitle: Engineer → Rear Admiral");

        await page.GotoAsync($"/contacts/{newerId}");
        await Assertions.Expect(page.Locator("[data-testid=not-found]")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Entering_a_contact_that_exists_offers_to_merge_it_into_the_existing_one_instead()
    {
        var existing = (await PostAsync("/api/v1/contacts", new { firstName = "Ida", lastName = "Instead", email = "ida@merge-instead.test" })).GetProperty("id").GetGuid();
        var page = await fixture.Browser.NewPageAsync(fixture.App.BaseUrl);
        await BrowserFixture.SignInAsync(page, MonfriProcess.AdminEmail, MonfriProcess.AdminPassword);

        await OpenFromMenuAsync(page, "/contacts");
        await page.ClickAsync("[data-testid=new-contact]");
        await page.FillAsync("[data-testid=contact-first-name]", "Ida");
        await page.FillAsync("[data-testid=contact-last-name]", "Instead-Smith");
        await page.FillAsync("[data-testid=contact-email]", "IDA@merge-instead.test");
        await page.FillAsync("[data-testid=contact-phone]", "+49 30 1234");
        await page.ClickAsync("[data-testid=create-contact]");
        await Assertions.Expect(page.Locator("[data-testid=possible-duplicates]")).ToContainTextAsync("Same email");
        await page.ClickAsync("[data-testid=merge-instead]");

        await page.WaitForURLAsync($"**/contacts/merge?a={existing}&b=*");
        await page.ClickAsync("[data-testid=take-b-lastName]");
        await page.ClickAsync("[data-testid=merge]");

        await page.WaitForURLAsync($"**/contacts/{existing}");
        await Assertions.Expect(page.Locator("[data-testid=contact-name]")).ToHaveTextAsync("Ida Instead-Smith");
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("+49 30 1234");
    }
}
