using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Monfri.TestSupport;

namespace Monfri.E2E.Tests.Browser;

/// <summary>
/// The board with long columns and on a phone: columns scroll inside the board while Won and Lost stay in reach,
/// and a deal moves without dragging ("Move to…" on the card), through the same move as a drop.
/// </summary>
public sealed class BoardLayoutTests(MonfriAppFixture fixture) : IClassFixture<MonfriAppFixture>
{
    private HttpClient Admin => fixture.App.AdminClient();

    private async Task<JsonElement> PipelineAsync() => (await Admin.GetFromJsonAsync<JsonElement>("/api/v1/pipelines"))[0];

    private static Guid StageId(JsonElement pipeline, string name) =>
        pipeline.GetProperty("stages").EnumerateArray().First(s => s.GetProperty("name").GetString() == name).GetProperty("id").GetGuid();

    private async Task<Guid> CreateDealAsync(string name, Guid stageId)
    {
        var response = await Admin.PostAsJsonAsync("/api/v1/deals", new { name, amount = 1000, stageId });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    /// <summary>
    /// What the API reads of a deal once it shows <paramref name="expected"/> (or after 10 s): the board shows a move
    /// as soon as it is made, and the server commits it a moment later.
    /// </summary>
    private async Task<string?> StoredAsync(Guid dealId, Func<JsonElement, string?> read, string expected)
    {
        string? value = null;
        for (var attempt = 0; attempt < 100; attempt++)
        {
            value = read(await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/deals/{dealId}"));
            if (value == expected)
            {
                break;
            }

            await Task.Delay(100);
        }

        return value;
    }

    private async Task<IPage> OpenBoardAsync(Guid pipelineId, BrowserNewContextOptions options)
    {
        options.BaseURL = fixture.App.BaseUrl;
        var context = await (await fixture.Browser.BrowserAsync()).NewContextAsync(options);
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        await BrowserFixture.SignInAsync(page, MonfriProcess.AdminEmail, MonfriProcess.AdminPassword);
        await BrowserFixture.GotoAsync(page, $"/pipeline/{pipelineId}");
        await page.WaitForSelectorAsync("[data-testid=board-live]:has-text('Live')");
        return page;
    }

    private static async Task AssertInViewportAsync(IPage page, ILocator element, string what)
    {
        var box = await element.BoundingBoxAsync();
        var viewport = page.ViewportSize!;
        Assert.True(box is not null, $"{what} is not shown");
        Assert.True(box!.Y >= 0 && box.Y + box.Height <= viewport.Height && box.X >= 0 && box.X + box.Width <= viewport.Width,
            $"{what} is out of view at ({box.X}, {box.Y}, {box.Width}×{box.Height}) in {viewport.Width}×{viewport.Height}");
    }

    [Fact]
    public async Task With_a_long_column_won_and_lost_stay_in_view_and_the_column_scrolls_inside_the_board()
    {
        var pipeline = await PipelineAsync();
        var pipelineId = pipeline.GetProperty("id").GetGuid();
        var needs = StageId(pipeline, "Needs analysis");
        var ids = new List<Guid>();
        for (var i = 0; i < 60; i++)
        {
            ids.Add(await CreateDealAsync($"Long column {i:00}", needs));
        }

        var page = await OpenBoardAsync(pipelineId, new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        var column = page.Locator("[data-testid=board-column][data-stage-name='Needs analysis']");
        await column.Locator($"[data-deal-id='{ids[^1]}']").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Path.GetTempPath(), "monfri-board.png") });

        // The column scrolls inside itself; the page around it does not grow with it.
        var cards = column.Locator(".board-column__cards");
        Assert.True(await cards.EvaluateAsync<bool>("el => el.scrollHeight > el.clientHeight + 100"), "the long column does not scroll inside itself");
        Assert.True(await page.EvaluateAsync<bool>("() => document.scrollingElement.scrollHeight <= window.innerHeight + 200"), "the page grows with the longest column");

        // Scrolled as a person scrolls: the wheel over the column, then the page to its end.
        await cards.HoverAsync();
        for (var i = 0; i < 15; i++)
        {
            await page.Mouse.WheelAsync(0, 600);
        }

        await page.EvaluateAsync("() => window.scrollTo(0, document.scrollingElement.scrollHeight)");
        var last = column.Locator($"[data-deal-id='{ids[^1]}']");
        await Assertions.Expect(last).ToBeInViewportAsync();
        await AssertInViewportAsync(page, page.Locator("[data-testid=drop-won]"), "Won");
        await AssertInViewportAsync(page, page.Locator("[data-testid=drop-lost]"), "Lost");

        // And a card from the bottom of the column still drops on Won.
        await last.DragToAsync(page.Locator("[data-testid=drop-won]"));
        await Assertions.Expect(last).ToHaveCountAsync(0);
        Assert.Equal("Won", await StoredAsync(ids[^1], deal => deal.GetProperty("status").GetString(), "Won"));
    }

    [Fact]
    public async Task On_a_phone_a_deal_moves_with_move_to_and_the_filters_fold_away()
    {
        var pipeline = await PipelineAsync();
        var pipelineId = pipeline.GetProperty("id").GetGuid();
        var dealId = await CreateDealAsync($"Phone deal {Guid.NewGuid():N}", StageId(pipeline, "Qualification"));
        var page = await OpenBoardAsync(pipelineId, new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 390, Height = 844 },
            IsMobile = true,
            HasTouch = true,
        });

        // The filters are folded behind one button, so the board starts near the top.
        await Assertions.Expect(page.Locator("[data-testid=filter-owner]")).ToBeHiddenAsync();
        await page.Locator("[data-testid=board-filters-toggle]").TapAsync();
        await Assertions.Expect(page.Locator("[data-testid=filter-owner]")).ToBeVisibleAsync();
        await page.Locator("[data-testid=board-filters-toggle]").TapAsync();
        await Assertions.Expect(page.Locator("[data-testid=filter-owner]")).ToBeHiddenAsync();

        var card = page.Locator($"[data-testid=board-column][data-stage-name='Qualification'] [data-deal-id='{dealId}']");
        await card.ScrollIntoViewIfNeededAsync();
        await card.Locator("[data-testid=board-card-move]").TapAsync();
        await page.Locator("[data-testid=move-to-stage][data-stage-name='Proposal']").TapAsync();

        await page.Locator($"[data-testid=board-column][data-stage-name='Proposal'] [data-deal-id='{dealId}']").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
        Assert.Equal("Proposal", await StoredAsync(dealId, deal => deal.GetProperty("stage").GetProperty("name").GetString(), "Proposal"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Path.GetTempPath(), "monfri-board-phone.png") });

        // Lost asks why, as a drop on Lost does.
        var moveButton = page.Locator($"[data-deal-id='{dealId}'] [data-testid=board-card-move]");
        await moveButton.ScrollIntoViewIfNeededAsync();
        await moveButton.TapAsync();
        await page.Locator("[data-testid=move-to-stage][data-stage-name='Lost']").TapAsync();
        await page.FillAsync("[data-testid=lost-reason]", "Went with a competitor");
        await page.Locator("[data-testid=confirm-lost]").TapAsync();
        await Assertions.Expect(page.Locator($"[data-deal-id='{dealId}']")).ToHaveCountAsync(0);
        Assert.Equal("Lost", await StoredAsync(dealId, deal => deal.GetProperty("status").GetString(), "Lost"));
    }
}
