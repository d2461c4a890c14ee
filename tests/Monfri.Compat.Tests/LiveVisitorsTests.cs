using Monfri.TestSupport;

namespace Monfri.Compat.Tests;

/// <summary>
/// A marketer watching Monfri while a website's backend sends page views through the unmodified
/// <c>@segment/analytics-node</c>: they appear on the Visitors stream and on the visitor's open profile, live.
/// </summary>
[Collection(CompatCollection.Name)]
public sealed class LiveVisitorsTests(CompatMonfri monfri)
{
    [Fact]
    public async Task Page_views_sent_with_analytics_node_appear_live_on_the_visitors_page_and_the_open_profile()
    {
        var anon = $"anon-live-{Guid.NewGuid():N}";
        var page = await monfri.Browser.NewPageAsync(monfri.App.BaseUrl);
        await BrowserFixture.SignInAsync(page, MonfriProcess.AdminEmail, MonfriProcess.AdminPassword);
        await BrowserFixture.GotoAsync(page, "/visitors");
        await page.WaitForSelectorAsync("[data-testid=visitor-events]");

        await SendPageAsync(anon, "Why Monfri", "https://shop.example/blog/why-monfri");

        var row = page.Locator("[data-testid=visitor-events] tbody tr", new() { HasText = anon });
        await row.WaitForAsync();
        Assert.Contains("Viewed Why Monfri", await row.TextContentAsync() ?? "", StringComparison.Ordinal);

        await row.Locator("[data-testid=visitor-who] a").ClickAsync();
        await page.WaitForURLAsync("**/people/*");
        await page.Locator("[data-testid=timeline-title]", new() { HasText = "Viewed Why Monfri" }).WaitForAsync();

        await SendPageAsync(anon, "Pricing", "https://shop.example/pricing");

        await page.Locator("[data-testid=timeline-title]", new() { HasText = "Viewed Pricing" }).WaitForAsync();
        Assert.Equal(2, await page.Locator("[data-testid=timeline-item]").CountAsync());
    }

    private async Task SendPageAsync(string anonymousId, string name, string url)
    {
        var (exitCode, output) = await NodeClients.RunScriptAsync(
            "segment-page.cjs", [monfri.App.BaseUrl, CompatMonfri.BackendKey, anonymousId, name, url], TimeSpan.FromSeconds(60));
        Assert.True(exitCode == 0, $"segment-page.cjs exited with {exitCode}:\n{output}");
    }
}
