using System.Net.Http.Json;
using System.Text.Json;
using Monfri.TestSupport;

namespace Monfri.E2E.Tests.Browser;

public sealed class DealsListTests(MonfriAppFixture fixture) : IClassFixture<MonfriAppFixture>
{
    [Fact]
    public async Task The_deals_list_searches_selects_and_tags_in_bulk()
    {
        var client = fixture.App.AdminClient();
        var marker = $"deal{Guid.NewGuid():N}"[..12];
        foreach (var name in new[] { "One", "Two", "Three" })
        {
            (await client.PostAsJsonAsync("/api/v1/deals", new { name = $"{marker} {name}" })).EnsureSuccessStatusCode();
        }

        // A deal the search leaves out: "three rows" below then means the search was applied, not that the unfiltered
        // list happened to hold three deals (selecting before the debounced search lands loses the selection).
        (await client.PostAsJsonAsync("/api/v1/deals", new { name = $"Other {Guid.NewGuid():N}" })).EnsureSuccessStatusCode();

        var page = await fixture.Browser.NewPageAsync(fixture.App.BaseUrl);
        await BrowserFixture.SignInAsync(page, MonfriProcess.AdminEmail, MonfriProcess.AdminPassword);
        await BrowserFixture.GotoAsync(page, "/deals");
        await page.FillAsync("[data-testid=deal-search]", marker);
        await page.WaitForSelectorAsync($"[data-testid=deals-table] >> text={marker} Three");
        await page.WaitForFunctionAsync("() => document.querySelectorAll('[data-testid=deals-table] tbody tr').length === 3");
        await page.ClickAsync("[data-testid=deals-table] thead input[type=checkbox]");
        await page.WaitForSelectorAsync("[data-testid=bulk-bar] >> text=3 selected");
        await page.ClickAsync("[data-testid=bulk-bar] >> text=Add tag");
        await page.FillAsync("[data-testid=tag-input]", "renewal");
        await page.ClickAsync("[data-testid=tag-ok]");
        await page.WaitForSelectorAsync("text=3 deal(s) tagged 'renewal'.");

        var tagged = await client.GetFromJsonAsync<JsonElement>($"/api/v1/deals?tag=renewal&search={marker}");
        Assert.Equal(3, tagged.GetProperty("totalCount").GetInt32());
    }
}
