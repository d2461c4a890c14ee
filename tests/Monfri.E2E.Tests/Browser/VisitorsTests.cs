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

    [Fact]
    public async Task A_visitor_who_signs_up_shows_the_posts_read_before_signing_up_on_their_contact_page()
    {
        var anon = $"anon-{Guid.NewGuid():N}";
        var email = $"alice.{Guid.NewGuid():N}@e2e.test";
        await SendAsync(Page(anon, "https://shop.example/blog/1", "Post one"), Page(anon, "https://shop.example/blog/2", "Post two"));
        await SendAsync(new
        {
            type = "identify", anonymousId = anon, userId = email, messageId = Guid.NewGuid().ToString(),
            timestamp = DateTimeOffset.UtcNow.AddSeconds(1).ToString("O"), traits = new { email, firstName = "Alice", lastName = "Reader" },
        });
        var page = await fixture.Browser.NewPageAsync(fixture.App.BaseUrl);
        await BrowserFixture.SignInAsync(page, MonfriProcess.AdminEmail, MonfriProcess.AdminPassword);
        await BrowserFixture.GotoAsync(page, "/visitors");
        var row = page.Locator("[data-testid=visitor-events] tbody tr", new() { HasText = "Alice Reader" }).First;
        await row.WaitForAsync();

        await row.Locator("[data-testid=visitor-who] a").ClickAsync();

        // A contact's profile is its contact page, opened on the profile tab.
        await page.WaitForURLAsync("**/contacts/*?tab=profile");
        await page.Locator("[data-testid=contact-name]", new() { HasText = "Alice Reader" }).WaitForAsync();
        var divider = page.Locator("[data-testid=before-signup-divider]");
        await divider.WaitForAsync();
        Assert.Contains("2 page views while anonymous", await divider.TextContentAsync() ?? "", StringComparison.Ordinal);
        Assert.Equal(2, await page.Locator("[data-testid=timeline-item][data-before-signup=true]").CountAsync());

        // The divider once made the page three windows wide (its rules were width 100% and did not shrink).
        foreach (var width in new[] { 1440, 1024 })
        {
            await page.SetViewportSizeAsync(width, 900);
            var size = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
            Assert.True(size[0] <= size[1], $"At {width} px the page is {size[0]} px wide");
        }
    }
}
