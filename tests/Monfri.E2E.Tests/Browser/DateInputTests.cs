using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Monfri.TestSupport;

namespace Monfri.E2E.Tests.Browser;

/// <summary>
/// Dates and times typed as a person types them (or set as the browser's picker sets them) are what gets stored, in
/// a US and a German browser, each on its own clock: task due, call time, deal close date.
/// </summary>
public sealed class DateInputTests(MonfriAppFixture fixture) : IClassFixture<MonfriAppFixture>, IAsyncLifetime
{
    // A browser in the user's language: the order of the date controls' segments (12/09/2026 or 09.12.2026) follows
    // the browser's language, not the page's locale.
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

    private async Task<IPage> SignedInAdminAsync(string locale, string timeZone)
    {
        _browser ??= new BrowserFixture(locale);
        var context = await (await _browser.BrowserAsync()).NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = fixture.App.BaseUrl,
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            Locale = locale,
            TimezoneId = timeZone,
        });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        await BrowserFixture.SignInAsync(page, MonfriProcess.AdminEmail, MonfriProcess.AdminPassword);
        return page;
    }

    private async Task<Guid> CreateDealAsync(string name)
    {
        var response = await Admin.PostAsJsonAsync("/api/v1/deals", new { name, amount = 1000 });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private async Task<JsonElement> ActivityAsync(Guid dealId, string subject)
    {
        var page = await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/activities?dealId={dealId}");
        return page.GetProperty("items").EnumerateArray().Single(a => a.GetProperty("subject").GetString() == subject);
    }

    private async Task<string?> CloseDateAsync(Guid dealId) =>
        (await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/deals/{dealId}")).GetProperty("closeDate").GetString();

    private static async Task OpenDealAsync(IPage page, Guid dealId)
    {
        await BrowserFixture.GotoAsync(page, $"/deals/{dealId}");
        await page.WaitForSelectorAsync("[data-testid=activity-composer]");
    }

    private static async Task ChooseAsync(IPage page, string type)
    {
        await page.ClickAsync($"[data-testid=activity-composer] .mud-tab:has-text('{type}')");
        await page.WaitForSelectorAsync(type == "Task" ? "input[data-testid=activity-due]" : "input[data-testid=activity-occurred-at]");
    }

    private static async Task SaveAsync(IPage page, string subject)
    {
        await page.ClickAsync("[data-testid=activity-save]");
        await page.WaitForSelectorAsync($"[data-testid=activity-list] [data-testid=activity-subject-text]:text-is('{subject}')");
    }

    /// <summary>
    /// Types a date and time into a datetime-local input key by key, as a person does: the segments come in the
    /// browser locale's order (month/day/year, 12-hour clock in the US; day.month.year, 24-hour in Germany).
    /// </summary>
    private static async Task TypeDateTimeAsync(ILocator input, string locale, DateTime value)
    {
        await input.FocusAsync();
        // A date control forgets a half-typed segment after a second (its type-ahead timeout), so the keys of a
        // segment go without a pause, as a person types them; a loaded test machine must not split "30" into "3", "0".
        var typing = new LocatorPressSequentiallyOptions { Delay = 0 };
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        await input.PressSequentiallyAsync(locale == "en-US" ? value.ToString("MMddyyyy", invariant) : value.ToString("ddMMyyyy", invariant), typing);
        // The year takes up to six digits, so a person moves on to the time themselves.
        await input.PressAsync("ArrowRight");
        await input.PressSequentiallyAsync(locale == "en-US" ? value.ToString("hhmm", invariant) + (value.Hour < 12 ? "A" : "P") : value.ToString("HHmm", invariant), typing);
        await input.BlurAsync();
    }

    private static async Task TypeDateAsync(ILocator input, string locale, DateOnly value)
    {
        await input.FocusAsync();
        var keys = locale == "en-US" ? $"{value:MM}{value:dd}{value:yyyy}" : $"{value:dd}{value:MM}{value:yyyy}";
        await input.PressSequentiallyAsync(keys, new LocatorPressSequentiallyOptions { Delay = 0 });
        await input.BlurAsync();
    }

    private static DateTimeOffset Instant(string wallClock, string timeZone)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        var local = DateTime.Parse(wallClock, System.Globalization.CultureInfo.InvariantCulture);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    [Theory]
    [InlineData("en-US", "America/New_York")]
    [InlineData("de-DE", "Europe/Berlin")]
    public async Task A_typed_task_due_date_and_call_time_are_stored_as_typed_on_the_users_clock(string locale, string timeZone)
    {
        var dealId = await CreateDealAsync($"Dates {locale} {Guid.NewGuid():N}");
        var page = await SignedInAdminAsync(locale, timeZone);
        await OpenDealAsync(page, dealId);

        // Set as the browser's picker sets it.
        await ChooseAsync(page, "Task");
        await page.FillAsync("[data-testid=activity-subject]", "Picked due");
        await page.Locator("input[data-testid=activity-due]").FillAsync("2026-12-09T10:00");
        await SaveAsync(page, "Picked due");

        // Typed key by key.
        await ChooseAsync(page, "Task");
        await page.FillAsync("[data-testid=activity-subject]", "Typed due");
        await TypeDateTimeAsync(page.Locator("input[data-testid=activity-due]"), locale, new DateTime(2026, 12, 10, 14, 30, 0));
        Assert.Equal("2026-12-10T14:30", await page.Locator("input[data-testid=activity-due]").InputValueAsync());
        await SaveAsync(page, "Typed due");

        await ChooseAsync(page, "Call");
        await page.FillAsync("[data-testid=activity-subject]", "Picked call");
        await page.Locator("input[data-testid=activity-occurred-at]").FillAsync("2026-11-20T16:45");
        await SaveAsync(page, "Picked call");

        await ChooseAsync(page, "Call");
        await page.FillAsync("[data-testid=activity-subject]", "Typed call");
        await TypeDateTimeAsync(page.Locator("input[data-testid=activity-occurred-at]"), locale, new DateTime(2026, 11, 21, 8, 5, 0));
        await SaveAsync(page, "Typed call");

        // What was stored is the instant the user meant on their own clock.
        Assert.Equal(Instant("2026-12-09T10:00", timeZone), (await ActivityAsync(dealId, "Picked due")).GetProperty("dueAt").GetDateTimeOffset());
        Assert.Equal(Instant("2026-12-10T14:30", timeZone), (await ActivityAsync(dealId, "Typed due")).GetProperty("dueAt").GetDateTimeOffset());
        Assert.Equal(Instant("2026-11-20T16:45", timeZone), (await ActivityAsync(dealId, "Picked call")).GetProperty("occurredAt").GetDateTimeOffset());
        Assert.Equal(Instant("2026-11-21T08:05", timeZone), (await ActivityAsync(dealId, "Typed call")).GetProperty("occurredAt").GetDateTimeOffset());

        // After a reload the page reads them back as typed, in the timeline and in the editor.
        await page.ReloadAsync();
        await page.WaitForSelectorAsync("[data-testid=app-ready]", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
        var typedDue = page.Locator("[data-testid=activity-item]", new PageLocatorOptions { Has = page.Locator("[data-testid=activity-subject-text]:text-is('Typed due')") });
        await Assertions.Expect(typedDue.Locator("[data-testid=activity-meta]")).ToContainTextAsync("due 10 Dec 2026, 14:30");
        var typedCall = page.Locator("[data-testid=activity-item]", new PageLocatorOptions { Has = page.Locator("[data-testid=activity-subject-text]:text-is('Typed call')") });
        await Assertions.Expect(typedCall.Locator("[data-testid=activity-meta]")).ToContainTextAsync("21 Nov 2026, 08:05");

        await typedDue.Locator("[data-testid=activity-edit]").ClickAsync();
        await Assertions.Expect(page.Locator("input[data-testid=activity-due]")).ToHaveValueAsync("2026-12-10T14:30");
        // Rescheduling an existing task works too.
        await TypeDateTimeAsync(page.Locator("input[data-testid=activity-due]"), locale, new DateTime(2026, 12, 11, 9, 15, 0));
        await page.ClickAsync("[data-testid=activity-save]");
        await Assertions.Expect(typedDue.Locator("[data-testid=activity-meta]")).ToContainTextAsync("due 11 Dec 2026, 09:15");
        Assert.Equal(Instant("2026-12-11T09:15", timeZone), (await ActivityAsync(dealId, "Typed due")).GetProperty("dueAt").GetDateTimeOffset());

        await typedCall.Locator("[data-testid=activity-edit]").ClickAsync();
        await Assertions.Expect(page.Locator("input[data-testid=activity-occurred-at]")).ToHaveValueAsync("2026-11-21T08:05");
    }

    [Theory]
    [InlineData("en-US", "America/New_York")]
    [InlineData("de-DE", "Europe/Berlin")]
    public async Task A_typed_deal_close_date_is_stored_and_read_back(string locale, string timeZone)
    {
        var dealId = await CreateDealAsync($"Close {locale} {Guid.NewGuid():N}");
        var page = await SignedInAdminAsync(locale, timeZone);
        await OpenDealAsync(page, dealId);

        await TypeDateAsync(page.Locator("input[data-testid=deal-close-date]"), locale, new DateOnly(2026, 12, 24));
        await page.ClickAsync("[data-testid=save-deal]");
        await Assertions.Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("saved", new LocatorAssertionsToContainTextOptions { IgnoreCase = true });
        Assert.Equal("2026-12-24", await CloseDateAsync(dealId));

        await page.ReloadAsync();
        await page.WaitForSelectorAsync("[data-testid=app-ready]", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
        await Assertions.Expect(page.Locator("input[data-testid=deal-close-date]")).ToHaveValueAsync("2026-12-24");

        // Picked as the browser's picker sets it.
        await page.Locator("input[data-testid=deal-close-date]").FillAsync("2027-01-15");
        await page.ClickAsync("[data-testid=save-deal]");
        await Assertions.Expect(page.Locator("input[data-testid=deal-close-date]")).ToHaveValueAsync("2027-01-15");
        for (var attempt = 0; attempt < 50 && await CloseDateAsync(dealId) != "2027-01-15"; attempt++)
        {
            await Task.Delay(100);
        }

        Assert.Equal("2027-01-15", await CloseDateAsync(dealId));
    }

    [Theory]
    [InlineData("en-US", "America/New_York")]
    [InlineData("de-DE", "Europe/Berlin")]
    public async Task A_close_date_typed_in_the_boards_quick_edit_is_stored_and_shown_on_the_card(string locale, string timeZone)
    {
        var dealId = await CreateDealAsync($"Board close {locale} {Guid.NewGuid():N}");
        var pipelineId = (await Admin.GetFromJsonAsync<JsonElement>("/api/v1/pipelines"))[0].GetProperty("id").GetGuid();
        var page = await SignedInAdminAsync(locale, timeZone);
        await BrowserFixture.GotoAsync(page, $"/pipeline/{pipelineId}");
        await page.WaitForSelectorAsync("[data-testid=board-live]:has-text('Live')");
        var card = page.Locator($"[data-deal-id='{dealId}']");
        // The card's actions show on hover, as for a person with a mouse.
        await card.HoverAsync();
        await card.Locator("[data-testid=board-card-edit]").ClickAsync();

        await TypeDateAsync(card.Locator("input[data-testid=board-edit-close-date]"), locale, new DateOnly(2027, 3, 31));
        await Assertions.Expect(card.Locator("input[data-testid=board-edit-close-date]")).ToHaveValueAsync("2027-03-31");
        await card.Locator("[data-testid=board-edit-save]").ClickAsync();
        await Assertions.Expect(card.Locator("[title='Expected close date']")).ToHaveTextAsync("2027-03-31");
        Assert.Equal("2027-03-31", await CloseDateAsync(dealId));
    }

    [Theory]
    [InlineData("en-US", "America/New_York")]
    [InlineData("de-DE", "Europe/Berlin")]
    public async Task A_typed_date_custom_field_is_stored_and_read_back(string locale, string timeZone)
    {
        var key = $"renewal_{Guid.NewGuid():N}"[..20];
        (await Admin.PostAsJsonAsync("/api/v1/custom-fields", new { objectType = "Deal", key, label = $"Renewal {key}", type = "Date", options = Array.Empty<string>() }))
            .EnsureSuccessStatusCode();
        var dealId = await CreateDealAsync($"Custom date {locale} {Guid.NewGuid():N}");
        var page = await SignedInAdminAsync(locale, timeZone);
        await OpenDealAsync(page, dealId);

        var input = page.Locator($"input[data-testid=deal-cf-{key}]");
        await TypeDateAsync(input, locale, new DateOnly(2027, 3, 31));
        await page.ClickAsync("[data-testid=save-deal]");
        await Assertions.Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("saved", new LocatorAssertionsToContainTextOptions { IgnoreCase = true });
        var deal = await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/deals/{dealId}");
        Assert.Equal("2027-03-31", deal.GetProperty("customFields").GetProperty(key).GetString());

        await page.ReloadAsync();
        await page.WaitForSelectorAsync("[data-testid=app-ready]", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
        await Assertions.Expect(page.Locator($"input[data-testid=deal-cf-{key}]")).ToHaveValueAsync("2027-03-31");
    }

    [Theory]
    [InlineData("en-US", "America/New_York")]
    [InlineData("de-DE", "Europe/Berlin")]
    public async Task Typed_close_date_filters_on_the_deals_list_select_the_days_typed(string locale, string timeZone)
    {
        var tag = $"df{Guid.NewGuid():N}"[..12];
        foreach (var (name, closeDate) in new[] { ("Early", "2026-12-14"), ("Inside", "2026-12-20"), ("Late", "2027-01-02") })
        {
            (await Admin.PostAsJsonAsync("/api/v1/deals", new { name = $"{name} {tag}", amount = 10, closeDate, tags = new[] { tag } })).EnsureSuccessStatusCode();
        }

        var page = await SignedInAdminAsync(locale, timeZone);
        await BrowserFixture.GotoAsync(page, "/deals");
        await page.Locator("[data-testid=deals-table]").WaitForAsync();
        // The list remembers its last filters: start from none, cleared as a person clears a date control.
        await page.Locator("input[data-testid=filter-close-from]").FillAsync("");
        await page.Locator("input[data-testid=filter-close-to]").FillAsync("");
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Tag", Exact = true }).FillAsync(tag);
        var rows = page.Locator("[data-testid=deals-table] tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(3, new LocatorAssertionsToHaveCountOptions { Timeout = 20_000 });

        // Both ends are inclusive days: 15 Dec 2026 to 1 Jan 2027 holds only the deal closing on 20 Dec.
        await TypeDateAsync(page.Locator("input[data-testid=filter-close-from]"), locale, new DateOnly(2026, 12, 15));
        await TypeDateAsync(page.Locator("input[data-testid=filter-close-to]"), locale, new DateOnly(2027, 1, 1));

        await Assertions.Expect(rows).ToHaveCountAsync(1, new LocatorAssertionsToHaveCountOptions { Timeout = 20_000 });
        await Assertions.Expect(rows.First).ToContainTextAsync($"Inside {tag}");
        await Assertions.Expect(page.Locator("input[data-testid=filter-close-from]")).ToHaveValueAsync("2026-12-15");
        await Assertions.Expect(page.Locator("input[data-testid=filter-close-to]")).ToHaveValueAsync("2027-01-01");
        var export = await page.Locator("[data-testid=export]").GetAttributeAsync("href");
        Assert.Contains("closeDateFrom=2026-12-15", export, StringComparison.Ordinal);
        Assert.Contains("closeDateTo=2027-01-01", export, StringComparison.Ordinal);
    }
}
