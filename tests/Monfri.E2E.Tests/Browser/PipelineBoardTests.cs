using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Monfri.TestSupport;

namespace Monfri.E2E.Tests.Browser;

/// <summary>The pipeline board in real browsers: a move by one rep shows up on another rep's open board, but never on a board that may not see it.</summary>
public sealed class PipelineBoardTests(MonfriAppFixture fixture) : IClassFixture<MonfriAppFixture>
{
    private const string Password = "rep-password-long";

    private HttpClient Admin => fixture.App.AdminClient();

    private async Task<(Guid Id, string Email)> CreateRepAsync(string name)
    {
        var email = $"{name.ToLowerInvariant()}.{Guid.NewGuid():N}@e2e.test";
        var response = await Admin.PostAsJsonAsync("/api/v1/users", new { email, displayName = name, password = Password, roles = new[] { "Sales" } });
        response.EnsureSuccessStatusCode();
        return ((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid(), email);
    }

    private async Task<JsonElement> PipelineAsync() => (await Admin.GetFromJsonAsync<JsonElement>("/api/v1/pipelines"))[0];

    private static Guid StageId(JsonElement pipeline, string name) =>
        pipeline.GetProperty("stages").EnumerateArray().First(s => s.GetProperty("name").GetString() == name).GetProperty("id").GetGuid();

    private async Task<JsonElement> CreateDealAsync(string name, Guid ownerId, Guid stageId)
    {
        var response = await Admin.PostAsJsonAsync("/api/v1/deals", new { name, amount = 1000, stageId, ownerId });
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<IPage> OpenBoardAsync(string email, Guid pipelineId)
    {
        var page = await fixture.Browser.NewPageAsync(fixture.App.BaseUrl);
        await BrowserFixture.SignInAsync(page, email, Password);
        await BrowserFixture.GotoAsync(page, $"/pipeline/{pipelineId}");
        await page.WaitForSelectorAsync("[data-testid=board-live]:has-text('Live')");
        return page;
    }

    private static ILocator Card(IPage page, string stage, Guid dealId) =>
        page.Locator($"[data-testid=board-column][data-stage-name='{stage}'] [data-deal-id='{dealId}']");

    private async Task RepsSeeOnlyOwnRecordsAsync(bool on)
    {
        var settings = await Admin.GetFromJsonAsync<JsonElement>("/api/v1/settings/workspace");
        var saved = await Admin.PutAsJsonAsync("/api/v1/settings/workspace", new
        {
            repsSeeOnlyOwnRecords = on,
            lifecycleStages = settings.GetProperty("lifecycleStages"),
            defaultCurrency = "EUR",
            version = settings.GetProperty("version").GetUInt32(),
        });
        saved.EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task A_card_dragged_by_one_rep_moves_on_another_reps_open_board_without_a_reload()
    {
        var alice = await CreateRepAsync("Alice");
        var bob = await CreateRepAsync("Bob");
        var pipeline = await PipelineAsync();
        var pipelineId = pipeline.GetProperty("id").GetGuid();
        var dealId = (await CreateDealAsync("Alice's rollout", alice.Id, StageId(pipeline, "Qualification"))).GetProperty("id").GetGuid();
        var alicePage = await OpenBoardAsync(alice.Email, pipelineId);
        var bobPage = await OpenBoardAsync(bob.Email, pipelineId);
        await Card(bobPage, "Qualification", dealId).WaitForAsync();
        var bobUrl = bobPage.Url;
        // Bob's page must not reload: a marker set on his window would be lost.
        await bobPage.EvaluateAsync("() => window.__notReloaded = true");

        // Aim at the column header: it is in view, so Playwright does not scroll in the middle of the drag.
        await Card(alicePage, "Qualification", dealId).DragToAsync(
            alicePage.Locator("[data-testid=board-column][data-stage-name='Proposal']"),
            new LocatorDragToOptions { TargetPosition = new TargetPosition { X = 60, Y = 12 } });

        await Card(alicePage, "Proposal", dealId).WaitForAsync();
        await Card(bobPage, "Proposal", dealId).WaitForAsync(new LocatorWaitForOptions { Timeout = 10_000 });
        Assert.Equal(0, await Card(bobPage, "Qualification", dealId).CountAsync());
        Assert.True(await bobPage.EvaluateAsync<bool>("() => window.__notReloaded === true"));
        Assert.Equal(bobUrl, bobPage.Url);
        var history = await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/deals/{dealId}");
        Assert.Equal(2, history.GetProperty("stageHistory").GetArrayLength());
    }

    [Fact]
    public async Task A_rep_limited_to_own_records_does_not_see_another_reps_deal_appear()
    {
        var alice = await CreateRepAsync("Alice");
        var carol = await CreateRepAsync("Carol");
        var pipeline = await PipelineAsync();
        var pipelineId = pipeline.GetProperty("id").GetGuid();
        var qualification = StageId(pipeline, "Qualification");
        var alicesDeal = (await CreateDealAsync("Alice's secret", alice.Id, qualification)).GetProperty("id").GetGuid();
        var carolsDeal = await CreateDealAsync("Carol's own", carol.Id, qualification);
        await RepsSeeOnlyOwnRecordsAsync(true);
        try
        {
            var alicePage = await OpenBoardAsync(alice.Email, pipelineId);
            var carolPage = await OpenBoardAsync(carol.Email, pipelineId);
            await Card(carolPage, "Qualification", carolsDeal.GetProperty("id").GetGuid()).WaitForAsync();
            Assert.Equal(0, await carolPage.Locator($"[data-deal-id='{alicesDeal}']").CountAsync());

            await Card(alicePage, "Qualification", alicesDeal).DragToAsync(
                alicePage.Locator("[data-testid=board-column][data-stage-name='Proposal']"),
                new LocatorDragToOptions { TargetPosition = new TargetPosition { X = 60, Y = 12 } });
            await Card(alicePage, "Proposal", alicesDeal).WaitForAsync();
            var aliceNew = (await CreateDealAsync("Alice's next", alice.Id, qualification)).GetProperty("id").GetGuid();
            await Card(alicePage, "Qualification", aliceNew).WaitForAsync();

            // Carol's own deal moving afterwards proves her board is live and has had every earlier update.
            var carolsId = carolsDeal.GetProperty("id").GetGuid();
            var moved = await Admin.PostAsJsonAsync($"/api/v1/deals/{carolsId}/move", new
            {
                stageId = StageId(pipeline, "Proposal"),
                expectedStageId = qualification,
                version = carolsDeal.GetProperty("version").GetUInt32(),
            });
            moved.EnsureSuccessStatusCode();
            await Card(carolPage, "Proposal", carolsId).WaitForAsync(new LocatorWaitForOptions { Timeout = 10_000 });

            Assert.Equal(0, await carolPage.Locator($"[data-deal-id='{alicesDeal}']").CountAsync());
            Assert.Equal(0, await carolPage.Locator($"[data-deal-id='{aliceNew}']").CountAsync());
            Assert.Equal(0, await carolPage.Locator("text=Alice's").CountAsync());
        }
        finally
        {
            await RepsSeeOnlyOwnRecordsAsync(false);
        }
    }
}
