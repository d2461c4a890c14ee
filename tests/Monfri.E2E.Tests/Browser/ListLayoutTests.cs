using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using Monfri.TestSupport;

namespace Monfri.E2E.Tests.Browser;

/// <summary>A running Monfri with one website source provisioned, for the lists' layout tests.</summary>
public sealed class ListLayoutAppFixture : IAsyncLifetime
{
    public const string WriteKey = "wk_e2e_layout_0123456789abcdef";

    public MonfriProcess App { get; private set; } = null!;
    public BrowserFixture Browser { get; } = new();

    public async Task InitializeAsync()
    {
        App = await MonfriProcess.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings__Monfri"] = await TestPostgres.CreateDatabaseAsync("layout"),
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

/// <summary>The deals list's totals, the visitor stream's columns, and copying from the source setup and debugger.</summary>
public sealed class ListLayoutTests(ListLayoutAppFixture fixture) : IClassFixture<ListLayoutAppFixture>
{
    private HttpClient Admin => fixture.App.AdminClient();

    private async Task<IPage> SignedInAdminAsync(int width = 1280, int height = 800)
    {
        var context = await (await fixture.Browser.BrowserAsync()).NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = fixture.App.BaseUrl,
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        context.SetDefaultTimeout(20_000);
        await context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new BrowserContextGrantPermissionsOptions { Origin = fixture.App.BaseUrl });
        var page = await context.NewPageAsync();
        await BrowserFixture.SignInAsync(page, MonfriProcess.AdminEmail, MonfriProcess.AdminPassword);
        return page;
    }

    private async Task SendAsync(params object[] events)
    {
        using var client = new HttpClient { BaseAddress = new Uri(fixture.App.BaseUrl) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/batch") { Content = JsonContent.Create(new { batch = events }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ListLayoutAppFixture.WriteKey}:")));
        (await client.SendAsync(request)).EnsureSuccessStatusCode();
    }

    private static Task<string> ClipboardAsync(IPage page) => page.EvaluateAsync<string>("() => navigator.clipboard.readText()");

    /// <summary>The clipboard once a copy has landed: the button asks the server, which asks the browser to copy.</summary>
    private static async Task<string> CopiedAsync(IPage page, Func<string, bool> landed)
    {
        var text = await ClipboardAsync(page);
        for (var attempt = 0; attempt < 100 && !landed(text); attempt++)
        {
            await Task.Delay(100);
            text = await ClipboardAsync(page);
        }

        return text;
    }

    [Fact]
    public async Task The_deals_list_totals_every_deal_the_filter_matches_not_just_the_page()
    {
        var pipeline = (await Admin.GetFromJsonAsync<JsonElement>("/api/v1/pipelines"))[0];
        var proposal = pipeline.GetProperty("stages").EnumerateArray().First(s => s.GetProperty("name").GetString() == "Proposal");
        var tag = $"tot{Guid.NewGuid():N}"[..12];
        for (var i = 0; i < 30; i++)
        {
            (await Admin.PostAsJsonAsync("/api/v1/deals", new { name = $"Totals {i:00}", amount = 100, currency = "EUR", stageId = proposal.GetProperty("id").GetGuid(), tags = new[] { tag } }))
                .EnsureSuccessStatusCode();
        }

        var page = await SignedInAdminAsync();
        await BrowserFixture.GotoAsync(page, "/deals");
        await page.Locator("[data-testid=deals-table]").WaitForAsync();
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Tag", Exact = true }).FillAsync(tag);

        // 30 deals on pages of 25: the totals still count all 30.
        await Assertions.Expect(page.Locator("[data-testid=deals-total-count]")).ToHaveTextAsync("30");
        var eur = page.Locator("[data-testid=deals-total][data-currency=EUR]");
        await Assertions.Expect(eur.Locator("[data-testid=deals-total-amount]")).ToHaveTextAsync("3,000 EUR");
        var weighted = 3000 * proposal.GetProperty("probability").GetInt32() / 100;
        await Assertions.Expect(eur.Locator("[data-testid=deals-total-weighted]")).ToHaveTextAsync($"{weighted:#,##0} EUR");
        await Assertions.Expect(page.Locator("[data-testid=deals-table] tbody tr")).ToHaveCountAsync(25);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Path.GetTempPath(), "monfri-deals.png"), FullPage = true });
    }

    [Fact]
    public async Task Visitor_columns_keep_whole_words_and_show_long_values_whole_on_hover()
    {
        var campaign = "newsletter / email / winter_launch_2026_early_bird_special";
        var email = $"someone.with.a.rather.long.address.{Guid.NewGuid():N}@example.test";
        await SendAsync(new
        {
            type = "identify", userId = $"user-{Guid.NewGuid():N}", messageId = Guid.NewGuid().ToString(), timestamp = DateTimeOffset.UtcNow.ToString("O"),
            traits = new { email },
        });
        var page = await SignedInAdminAsync(1024, 800);
        await BrowserFixture.GotoAsync(page, "/visitors");
        await page.Locator("[data-testid=visitor-events]").WaitForAsync();
        await SendAsync(new
        {
            type = "page", anonymousId = $"anon-{Guid.NewGuid():N}", messageId = Guid.NewGuid().ToString(), timestamp = DateTimeOffset.UtcNow.ToString("O"),
            properties = new { url = "https://shop.example/landing/winter-launch?utm_source=newsletter", title = "Winter launch" },
            context = new { campaign = new { source = "newsletter", medium = "email", name = "winter_launch_2026_early_bird_special" } },
        });

        var row = page.Locator("[data-testid=visitor-events] tbody tr", new PageLocatorOptions { HasText = "winter_launch" }).First;
        await row.WaitForAsync();
        var from = row.Locator("[data-testid=visitor-from]");
        // One line, cut with an ellipsis, and the whole value as the tooltip.
        Assert.Equal(1, await from.Locator(".cell-clip").EvaluateAsync<int>("""
            el => { const r = document.createRange(); r.selectNodeContents(el); return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; }
            """));
        Assert.Equal(campaign, await from.Locator("[title]").First.GetAttributeAsync("title"));
        var who = await row.Locator("[data-testid=visitor-who]").BoundingBoxAsync();
        Assert.True(who!.Width >= 150, $"the Who column is squeezed to {who.Width}px");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Path.GetTempPath(), "monfri-visitors.png") });
    }

    [Fact]
    public async Task The_write_key_the_snippet_and_a_debugged_payload_copy_to_the_clipboard()
    {
        var page = await SignedInAdminAsync();
        await BrowserFixture.GotoAsync(page, "/settings/sources");
        var row = page.Locator("[data-testid=sources-table] tbody tr", new PageLocatorOptions { HasText = ListLayoutAppFixture.WriteKey });

        await row.Locator("[data-testid=copy-write-key]").ClickAsync();
        Assert.Equal(ListLayoutAppFixture.WriteKey, await CopiedAsync(page, c => c == ListLayoutAppFixture.WriteKey));
        // Copying does not also open the row.
        await Assertions.Expect(page.Locator("[data-testid=source-form]")).ToHaveCountAsync(0);

        await row.Locator("td").First.ClickAsync();
        var snippet = await page.Locator("[data-testid=snippet]").InnerTextAsync();
        await page.Locator("[data-testid=copy-snippet]").ClickAsync();
        var copied = await CopiedAsync(page, c => c != ListLayoutAppFixture.WriteKey);
        Assert.Equal(snippet.Trim(), copied.Trim());
        Assert.Contains(ListLayoutAppFixture.WriteKey, copied, StringComparison.Ordinal);

        await row.Locator("a:has-text('Debugger')").ClickAsync();
        await page.Locator("[data-testid=debugger-table]").WaitForAsync();
        await SendAsync(new
        {
            type = "track", @event = "Debugged Order", userId = "debug-user", messageId = Guid.NewGuid().ToString(), timestamp = DateTimeOffset.UtcNow.ToString("O"),
            properties = new { total = 42.5, items = new[] { "a", "b" } },
        });
        await page.Locator("[data-testid=debugger-name]:text-is('Debugged Order')").ClickAsync();
        var payload = page.Locator("[data-testid=debugger-payload]");
        await Assertions.Expect(payload).ToContainTextAsync("\"event\": \"Debugged Order\"");
        var text = await payload.InnerTextAsync();
        Assert.Contains("\n  ", text, StringComparison.Ordinal);
        await page.Locator("[data-testid=copy-payload]").ClickAsync();
        var json = await CopiedAsync(page, c => c.StartsWith('{'));
        Assert.Equal("Debugged Order", JsonDocument.Parse(json).RootElement.GetProperty("event").GetString());
        Assert.Equal(text.Trim(), json.Trim());
    }
}
