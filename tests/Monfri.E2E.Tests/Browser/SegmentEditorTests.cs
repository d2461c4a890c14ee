using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Monfri.TestSupport;

namespace Monfri.E2E.Tests.Browser;

/// <summary>
/// A marketer builds a segment in the visual builder — picking a field, typing a value and a date in their browser's
/// language — sees the count, edits the text beside it, sees the count change, and saves.
/// </summary>
public sealed class SegmentEditorTests(MonfriAppFixture fixture) : IClassFixture<MonfriAppFixture>, IAsyncLifetime
{
    private BrowserFixture? _browser;

    private HttpClient Admin => fixture.App.AdminClient();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
    }

    private async Task<IPage> SignedInAdminAsync(string locale)
    {
        _browser ??= new BrowserFixture(locale);
        var context = await (await _browser.BrowserAsync()).NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = fixture.App.BaseUrl,
            ViewportSize = new ViewportSize { Width = 1400, Height = 1000 },
            Locale = locale,
        });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        await BrowserFixture.SignInAsync(page, MonfriProcess.AdminEmail, MonfriProcess.AdminPassword);
        return page;
    }

    /// <summary>Opens the <paramref name="nth"/> select of a builder row and picks the item that starts with <paramref name="item"/>.</summary>
    private static async Task PickAsync(IPage page, string row, int nth, string item)
    {
        await page.Locator($"[data-testid='row-{row}'] .mud-select").Nth(nth).ClickAsync();
        await page.Locator($".mud-popover-open .mud-list-item:has-text('{item}')").First.ClickAsync();
        await page.WaitForSelectorAsync(".mud-popover-open .mud-list-item", new PageWaitForSelectorOptions { State = WaitForSelectorState.Detached });
    }

    private static async Task CountIsAsync(IPage page, int count) =>
        await page.WaitForSelectorAsync($"[data-testid=preview-count]:text-is('{count}')");

    private static Task TextIsAsync(IPage page, string text) =>
        page.WaitForFunctionAsync("t => document.querySelector('textarea[data-testid=text]')?.value === t", text);

    [Theory]
    [InlineData("en-US")]
    [InlineData("de-DE")]
    public async Task A_segment_built_in_the_builder_shows_its_count_and_the_text_edits_it(string locale)
    {
        var tag = $"e2e{Guid.NewGuid():N}"[..14];
        foreach (var (name, stage) in new[] { ("Ada", "lead"), ("Bo", "lead"), ("Cleo", "customer") })
        {
            (await Admin.PostAsJsonAsync("/api/v1/contacts", new { firstName = name, lifecycleStage = stage, tags = new[] { tag } })).EnsureSuccessStatusCode();
        }

        var page = await SignedInAdminAsync(locale);
        await BrowserFixture.GotoAsync(page, "/segments/new");
        await page.WaitForSelectorAsync("[data-testid=preview-count]");
        await TextIsAsync(page, "identified");

        // The first row: from "identified" to "Tags contains <tag>", picked and typed.
        await PickAsync(page, "0", 0, "Field or trait");
        await PickAsync(page, "0", 1, "Tags · tags");
        await page.Locator("[data-testid='row-0'] input[data-testid='value-0']").PressSequentiallyAsync(tag, new LocatorPressSequentiallyOptions { Delay = 10 });
        await CountIsAsync(page, 3);
        await TextIsAsync(page, $"tags contains \"{tag}\"");

        // A second row: created before the day after tomorrow, the date typed in the order the browser's language uses.
        await page.ClickAsync("[data-testid=add-condition-root]");
        await PickAsync(page, "1", 1, "Created · created_at");
        await PickAsync(page, "1", 2, "before");
        var later = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(2);
        var date = page.Locator("[data-testid='row-1'] input[data-testid='date-1']");
        await date.FocusAsync();
        await date.PressSequentiallyAsync(
            locale == "en-US" ? later.ToString("MMddyyyy", CultureInfo.InvariantCulture) : later.ToString("ddMMyyyy", CultureInfo.InvariantCulture),
            new LocatorPressSequentiallyOptions { Delay = 0 });
        await date.BlurAsync();
        var iso = later.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await TextIsAsync(page, $"tags contains \"{tag}\" and created_at before \"{iso}\"");
        await CountIsAsync(page, 3);

        // Now the text: narrowing it to leads, typed at the end; the builder gains the row and the count drops.
        var text = page.Locator("textarea[data-testid=text]");
        await text.ClickAsync();
        await page.Keyboard.PressAsync("Control+End");
        await page.Keyboard.TypeAsync(" and lifecycle_stage = \"lead\"", new KeyboardTypeOptions { Delay = 10 });
        await CountIsAsync(page, 2);
        await page.WaitForSelectorAsync("[data-testid='row-2'] input[data-testid='value-2']");
        Assert.Equal("lead", await page.Locator("[data-testid='row-2'] input[data-testid='value-2']").InputValueAsync());

        // A typo shows where it is; fixing it brings the count back.
        await text.FillAsync($"tags contains \"{tag}\" and created_at before \"{iso}\" and lifecycle_stage = lead");
        await page.WaitForSelectorAsync("[data-testid=text-error-message]:has-text('after =, found lead at column')");
        await text.FillAsync($"tags contains \"{tag}\" and created_at before \"{iso}\" and lifecycle_stage != \"lead\"");
        await CountIsAsync(page, 1);

        await page.FillAsync("input[data-testid=segment-name]", $"Not leads {locale} {tag}");
        await page.ClickAsync("[data-testid=save-segment]");
        await page.WaitForSelectorAsync("[data-testid=member-count]:has-text('1 members')");

        var id = Guid.Parse(page.Url.Split('/').Last());
        var saved = await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/segments/{id}");
        Assert.Equal($"tags contains \"{tag}\" and created_at before \"{iso}\" and lifecycle_stage != \"lead\"", saved.GetProperty("text").GetString());
        Assert.Equal(iso, saved.GetProperty("definition").GetProperty("conditions")[1].GetProperty("value").GetString());
    }
}
