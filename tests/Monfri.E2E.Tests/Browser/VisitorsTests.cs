using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Playwright;
using Monfri.TestSupport;

namespace Monfri.E2E.Tests.Browser;

/// <summary>A running Monfri with a website source provisioned from configuration, and a browser.</summary>
public sealed class VisitorsAppFixture : IAsyncLifetime
{
    public const string WriteKey = "wk_e2e_visitors_0123456789abcdef";

    public MonfriProcess App { get; private set; } = null!;
    public BrowserFixture Browser { get; } = new();

    public async Task InitializeAsync()
    {
        App = await MonfriProcess.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings__Monfri"] = await TestPostgres.CreateDatabaseAsync("visitors"),
            ["Monfri__Bootstrap__Sources__0__Name"] = "Website",
            ["Monfri__Bootstrap__Sources__0__WriteKey"] = WriteKey,
        });
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        await App.DisposeAsync();
    }
}

public sealed class VisitorsTests(VisitorsAppFixture fixture) : IClassFixture<VisitorsAppFixture>
{
    /// <summary>Sends events as a website's tracker would: the collection API with the source's write key.</summary>
    private async Task SendAsync(params object[] events)
    {
        using var client = new HttpClient { BaseAddress = new Uri(fixture.App.BaseUrl) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/batch") { Content = JsonContent.Create(new { batch = events }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{VisitorsAppFixture.WriteKey}:")));
        var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }

    private static object Page(string anonymousId, string url, string title) => new
    {
        type = "page", anonymousId, messageId = Guid.NewGuid().ToString(), timestamp = DateTimeOffset.UtcNow.ToString("O"),
        properties = new { url, title, referrer = "https://search.example/?q=monfri" },
    };

    [Fact]
    public async Task Events_appear_live_on_the_visitor_stream_and_on_the_visitors_profile()
    {
        var anon = $"anon-{Guid.NewGuid():N}";
        var page = await fixture.Browser.NewPageAsync(fixture.App.BaseUrl);
        await BrowserFixture.SignInAsync(page, MonfriProcess.AdminEmail, MonfriProcess.AdminPassword);
        await page.ClickAsync("nav >> text=Visitors");
        await page.WaitForURLAsync("**/visitors");
        await page.WaitForSelectorAsync("[data-testid=visitor-events]");

        await SendAsync(Page(anon, "https://shop.example/blog/why-monfri", "Why Monfri"));

        var row = page.Locator("[data-testid=visitor-events] tbody tr", new() { HasText = anon });
        await row.WaitForAsync();
        Assert.Contains("Viewed Why Monfri", await row.TextContentAsync() ?? "", StringComparison.Ordinal);
        Assert.Contains("search.example", await row.TextContentAsync() ?? "", StringComparison.Ordinal);
        await page.WaitForSelectorAsync("[data-testid=active-now]:not(:text('Active now: 0'))");

        await row.Locator("[data-testid=visitor-who] a").ClickAsync();
        await page.WaitForURLAsync("**/people/*");
        await page.Locator("[data-testid=profile-name]", new() { HasText = "Anonymous visitor" }).WaitForAsync();
        await page.Locator("[data-testid=timeline-title]", new() { HasText = "Viewed Why Monfri" }).WaitForAsync();

        await SendAsync(Page(anon, "https://shop.example/pricing", "Pricing"));

        await page.Locator("[data-testid=timeline-title]", new() { HasText = "Viewed Pricing" }).WaitForAsync();
        Assert.Equal(2, await page.Locator("[data-testid=timeline-item]").CountAsync());
    }
}
