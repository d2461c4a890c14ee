using System.Collections.Concurrent;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Monfri.Compat.Tests;

/// <summary>
/// The official browser SDKs and Monfri's own tracker on a website served from another origin, in headless
/// Chromium: each loads its settings from Monfri, sends page → identify → track across origins (CORS
/// preflights included), and the visitor ends up as one profile. Nothing is fetched from any CDN.
/// </summary>
[Collection(CompatCollection.Name)]
public sealed class BrowserSdkTests(CompatMonfri monfri, ITestOutputHelper output)
{
    [Fact]
    public async Task Segment_analytics_next_loads_its_settings_from_Monfri_and_its_visitor_becomes_one_profile()
    {
        var visit = await VisitAsync("segment.html");
        var anonymousId = (await visit.Page.EvaluateAsync<JsonElement>("() => window.result")).GetProperty("anonymousId").GetString()!;

        var events = await monfri.EventsAsync($"user_id:{visit.User}", 3);

        AssertVisit(events, visit, anonymousId, pageName: "Pricing");
        await AssertOneProfileAsync(visit, anonymousId, "Bea");
        Assert.Equal("Docs", events[0].GetProperty("properties").GetProperty("category").GetString());
        Assert.Equal("analytics.js", events[0].GetProperty("context").GetProperty("library").GetProperty("name").GetString());
        Assert.Contains($"GET /v1/projects/{CompatMonfri.WebsiteKey}/settings 200", visit.MonfriResponses);
        Assert.Contains("POST /v1/p 200", visit.MonfriResponses);
        Assert.Contains("POST /v1/i 200", visit.MonfriResponses);
        Assert.Contains("POST /v1/t 200", visit.MonfriResponses);
    }

    [Fact]
    public async Task Segment_analytics_next_in_batching_mode_posts_one_batch_that_becomes_one_profile()
    {
        var visit = await VisitAsync("segment.html", query: "&batching", waitForMonfriPost: "/v1/b");
        var anonymousId = (await visit.Page.EvaluateAsync<JsonElement>("() => window.result")).GetProperty("anonymousId").GetString()!;

        var events = await monfri.EventsAsync($"user_id:{visit.User}", 3);

        AssertVisit(events, visit, anonymousId, pageName: "Pricing");
        await AssertOneProfileAsync(visit, anonymousId, "Bea");
        Assert.Equal(["POST /v1/b 200"], visit.MonfriResponses.Where(r => r.StartsWith("POST", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task RudderStack_js_sdk_loads_its_config_from_Monfri_and_its_visitor_becomes_one_profile()
    {
        var visit = await VisitAsync("rudderstack.html");
        var anonymousId = (await visit.Page.EvaluateAsync<JsonElement>("() => window.result")).GetProperty("anonymousId").GetString()!;

        var events = await monfri.EventsAsync($"user_id:{visit.User}", 3);

        AssertVisit(events, visit, anonymousId, pageName: "Pricing");
        await AssertOneProfileAsync(visit, anonymousId, "Rudi");
        Assert.Equal("RudderLabs JavaScript SDK", events[0].GetProperty("context").GetProperty("app").GetProperty("name").GetString());
        Assert.Contains(visit.MonfriResponses, r => r.StartsWith("GET /sourceConfig", StringComparison.Ordinal) && r.EndsWith(" 200", StringComparison.Ordinal));
        Assert.Contains(visit.MonfriResponses, r => r.StartsWith("POST /v1/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RudderStack_js_sdk_with_beacon_delivery_posts_one_batch_that_becomes_one_profile()
    {
        var visit = await VisitAsync("rudderstack.html", query: "&beacon", waitForMonfriPost: "/beacon/v1/batch");
        var anonymousId = (await visit.Page.EvaluateAsync<JsonElement>("() => window.result")).GetProperty("anonymousId").GetString()!;

        var events = await monfri.EventsAsync($"user_id:{visit.User}", 3);

        AssertVisit(events, visit, anonymousId, pageName: "Pricing");
        await AssertOneProfileAsync(visit, anonymousId, "Rudi");
        Assert.Equal(["POST /beacon/v1/batch 200"], visit.MonfriResponses.Where(r => r.StartsWith("POST", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_tracker_snippet_from_settings_sends_a_page_view_and_the_queued_calls_as_one_profile()
    {
        var visit = await VisitAsync("tracker.html", waitForMonfriPost: "/v1/batch");
        var anonymousId = await visit.Page.EvaluateAsync<string>("() => window.monfri.anonymousId()");

        var events = await monfri.EventsAsync($"user_id:{visit.User}", 3);

        AssertVisit(events, visit, anonymousId, pageName: null);
        await AssertOneProfileAsync(visit, anonymousId, "Tia");
        Assert.Equal("monfri-t.js", events[0].GetProperty("context").GetProperty("library").GetProperty("name").GetString());
        Assert.Contains("GET /t.js 200", visit.MonfriResponses);
        Assert.Contains("POST /v1/batch 200", visit.MonfriResponses);
    }

    private sealed record Visit(IPage Page, string User, ConcurrentQueue<string> MonfriResponsesQueue, ConcurrentQueue<string> Elsewhere, ConcurrentQueue<string> Console)
    {
        public IReadOnlyList<string> MonfriResponses => [.. MonfriResponsesQueue];

        public override string ToString() =>
            $"Monfri answered: {string.Join(", ", MonfriResponsesQueue)}\nconsole: {string.Join("\n  ", Console)}\nelsewhere: {string.Join(", ", Elsewhere)}";
    }

    /// <summary>Opens the page in a fresh browser context, recording what it asked of Monfri and of anyone else.</summary>
    private async Task<Visit> VisitAsync(string file, string query = "", string? waitForMonfriPost = null)
    {
        var page = await monfri.Browser.NewPageAsync(monfri.Site.Origin);
        var user = $"browser-{Guid.NewGuid():N}"[..20];
        var visit = new Visit(page, user, new(), new(), new());
        var monfriOrigin = new Uri(monfri.App.BaseUrl);
        var siteOrigin = new Uri(monfri.Site.Origin);
        page.Response += (_, response) =>
        {
            var url = new Uri(response.Url);
            if (url.Authority == monfriOrigin.Authority)
            {
                visit.MonfriResponsesQueue.Enqueue($"{response.Request.Method} {url.AbsolutePath} {response.Status}");
            }
        };
        page.Request += (_, request) =>
        {
            var url = new Uri(request.Url);
            if (url.Scheme is "http" or "https" && url.Authority != monfriOrigin.Authority && url.Authority != siteOrigin.Authority)
            {
                visit.Elsewhere.Enqueue(request.Url);
            }
        };
        page.Console += (_, message) => visit.Console.Enqueue($"{message.Type}: {message.Text}");
        page.PageError += (_, error) => visit.Console.Enqueue($"page error: {error}");

        if (waitForMonfriPost is null)
        {
            await page.GotoAsync($"/{file}?user={user}{query}");
        }
        else
        {
            await page.RunAndWaitForResponseAsync(
                () => page.GotoAsync($"/{file}?user={user}{query}"),
                r => r.Request.Method == "POST" && new Uri(r.Url).AbsolutePath == waitForMonfriPost && r.Url.StartsWith(monfri.App.BaseUrl, StringComparison.Ordinal));
        }

        return visit;
    }

    private void AssertVisit(IReadOnlyList<JsonElement> events, Visit visit, string anonymousId, string? pageName)
    {
        output.WriteLine(visit.ToString());
        Assert.True(visit.Elsewhere.IsEmpty, $"the page fetched from outside Monfri and the site:\n{visit}");
        Assert.All(visit.MonfriResponses, r => Assert.True(r.EndsWith(" 200", StringComparison.Ordinal) || r.EndsWith(" 204", StringComparison.Ordinal), $"{r}\n{visit}"));
        Assert.Equal(
            [$"page:{pageName}", "identify:", "track:Clicked Buy"],
            events.OrderBy(e => e.GetProperty("type").GetString() switch { "page" => 0, "identify" => 1, _ => 2 })
                .Select(e => $"{e.GetProperty("type").GetString()}:{e.GetProperty("event").GetString()}"));
        var page = events.Single(e => e.GetProperty("type").GetString() == "page");
        Assert.Equal(JsonValueKind.Null, page.GetProperty("userId").ValueKind);
        Assert.Equal(anonymousId, page.GetProperty("anonymousId").GetString());
        Assert.StartsWith(monfri.Site.Origin + "/", page.GetProperty("context").GetProperty("page").GetProperty("url").GetString(), StringComparison.Ordinal);
        Assert.All(events, e => Assert.Equal(anonymousId, e.GetProperty("anonymousId").GetString()));
        var messageIds = events.Select(e => e.GetProperty("messageId").GetString()).ToList();
        Assert.Equal(messageIds.Count, messageIds.Distinct().Count());
    }

    private async Task AssertOneProfileAsync(Visit visit, string anonymousId, string firstName)
    {
        var person = await monfri.ProfileAsync($"user_id:{visit.User}");
        Assert.Equal(person.GetProperty("id").GetString(), (await monfri.ProfileAsync($"anonymous_id:{anonymousId}")).GetProperty("id").GetString());
        Assert.Equal($"{visit.User}@example.test", person.GetProperty("email").GetString());
        Assert.Equal(firstName, person.GetProperty("firstName").GetString());
        Assert.Equal(firstName, person.GetProperty("traits").GetProperty("firstName").GetString());
        Assert.Empty(await CompatMonfri.DuplicatesAsync(monfri.Database));
        await visit.Page.Context.CloseAsync();
    }
}
