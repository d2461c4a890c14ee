using System.Security.Claims;
using Bunit;
using Mediator;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Live;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Deals;
using Monfri.Application.Crm.Deals.CreateDeal;
using Monfri.Application.Crm.Deals.MoveDealToStage;
using Monfri.Application.Crm.Pipelines;
using Monfri.Domain.Common;
using Monfri.Domain.Crm;
using Monfri.Infrastructure.Persistence;
using Monfri.TestSupport;
using Monfri.TestSupport.Crm;
using Monfri.Web.Live;
using Monfri.Web.Security;
using Monfri.Web.Features.Deals;
using MudBlazor;

namespace Monfri.Web.Tests.Components;

/// <summary>The pipeline board rendered with MudBlazor against the real use cases, database and live feed.</summary>
public sealed class PipelineBoardTests : MudTestContext, IAsyncLifetime
{
    private MonfriServices _app = null!;
    private IRenderedComponent<MudSnackbarProvider> _snackbars = null!;
    private IRenderedComponent<MudDialogProvider> _dialogs = null!;

    async Task IAsyncLifetime.InitializeAsync() => _app = await MonfriServices.StartAsync(nameof(PipelineBoardTests));

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeSignedInAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Renders the board as <paramref name="user"/>, the way a circuit of theirs would.</summary>
    private IRenderedComponent<PipelineBoard> Open(ClaimsPrincipal user, Guid pipelineId)
    {
        Services.AddSingleton(_app.Get<TimeProvider>());
        Services.AddSingleton(new CircuitReconnects());
        SignInTo(_app, user);
        _dialogs = Render<MudDialogProvider>();
        _snackbars = Render<MudSnackbarProvider>();
        var board = Render<PipelineBoard>(p => p.Add(c => c.PipelineId, pipelineId));
        board.WaitForAssertion(() => Assert.Contains("Live", board.Find("[data-testid=board-live]").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        return board;
    }

    private static AngleSharp.Dom.IElement Column(IRenderedComponent<PipelineBoard> board, string stage) =>
        board.Find($"[data-testid=board-column][data-stage-name='{stage}']");

    private static string[] CardNames(IRenderedComponent<PipelineBoard> board, string stage) =>
        Column(board, stage).QuerySelectorAll("[data-testid=board-card-name]").Select(e => e.TextContent).ToArray();

    private static string Text(AngleSharp.Dom.IElement element, string testId) => element.QuerySelector($"[data-testid={testId}]")!.TextContent.Trim();

    [Fact]
    public async Task The_board_shows_columns_cards_and_totals_and_a_colleagues_move_arrives_without_a_reload()
    {
        var (_, rita) = await _app.CreateUserAsync("Rita", Roles.Sales);
        var (_, mia) = await _app.CreateUserAsync("Mia", Roles.Manager);
        var pipeline = await _app.DefaultPipelineAsync();
        var pilot = await _app.CreateDealAsync(rita, new CreateDealCommand { Name = "Acme pilot", Amount = 1000m });
        await _app.CreateDealAsync(rita, new CreateDealCommand { Name = "Beta seats", Amount = 2000m });
        await _app.CreateDealAsync(rita, new CreateDealCommand { Name = "Gamma rollout", Amount = 3000m, StageId = pipeline.Stage("Proposal").Id });

        var board = Open(mia, pipeline.Id);

        Assert.Equal(pipeline.OpenStages.Select(s => s.Name), board.FindAll("[data-testid=board-column]").Select(c => c.GetAttribute("data-stage-name")));
        Assert.Equal(["Acme pilot", "Beta seats"], CardNames(board, "Qualification"));
        Assert.Equal(["Gamma rollout"], CardNames(board, "Proposal"));
        var qualification = Column(board, "Qualification");
        Assert.Equal("2", Text(qualification, "column-count"));
        Assert.Equal("3,000 EUR", Text(qualification, "column-total"));
        Assert.Equal($"weighted {3000m * pipeline.Stage("Qualification").Probability / 100m:#,##0.##} EUR", Text(qualification, "column-weighted"));
        Assert.Equal("R", board.Find($"[data-deal-id='{pilot.Id}'] .board-avatar").TextContent);
        Assert.NotNull(board.Find("[data-testid=drop-won]"));
        Assert.NotNull(board.Find("[data-testid=drop-lost]"));

        // A deal written behind the feed's back: it would show up only if the board read everything again.
        await using (var db = await _app.Get<IDbContextFactory<MonfriDbContext>>().CreateDbContextAsync())
        {
            var stage = await db.PipelineStages.FirstAsync(s => s.Id == pipeline.Stage("Proposal").Id);
            db.Deals.Add(Deal.Create(new DealDetails("Unannounced", 5m, "EUR", null, null, null, [], [], new Dictionary<string, object?>()), stage, null, 99_999, DateTimeOffset.UtcNow));
            await db.SaveChangesAsync();
        }

        ResultAssert.Status(Application.Common.Results.ResultStatus.Ok,
            await _app.SendAs(rita, new MoveDealToStageCommand(pilot.Id, pipeline.Stage("Proposal").Id, pilot.Stage.Id, pilot.Version)));

        board.WaitForAssertion(() => Assert.Equal(["Gamma rollout", "Acme pilot"], CardNames(board, "Proposal")), TimeSpan.FromSeconds(10));
        Assert.Equal(["Beta seats"], CardNames(board, "Qualification"));
        Assert.Equal("1", Text(Column(board, "Qualification"), "column-count"));
        Assert.Equal("4,000 EUR", Text(Column(board, "Proposal"), "column-total"));
        Assert.Contains("board-card--flash", board.Find($"[data-deal-id='{pilot.Id}']").ClassName, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_card_moved_with_the_keyboard_goes_one_stage_forward_and_is_recorded_once()
    {
        var (_, rita) = await _app.CreateUserAsync("Rita", Roles.Sales);
        var pipeline = await _app.DefaultPipelineAsync();
        var deal = await _app.CreateDealAsync(rita, new CreateDealCommand { Name = "Keyboard deal", Amount = 10m });
        var board = Open(rita, pipeline.Id);

        await board.Find($"[data-deal-id='{deal.Id}']").KeyDownAsync(new KeyboardEventArgs { Key = "ArrowRight", ShiftKey = true });

        board.WaitForAssertion(() => Assert.Equal(["Keyboard deal"], CardNames(board, "Needs analysis")), TimeSpan.FromSeconds(10));
        Assert.Empty(CardNames(board, "Qualification"));
        Assert.Equal(2, await _app.HistoryCountAsync(deal.Id));
    }

    [Fact]
    public async Task A_drop_after_a_colleague_moved_the_dragged_card_shows_where_it_really_is()
    {
        var (_, ann) = await _app.CreateUserAsync("Ann", Roles.Sales);
        var (_, bob) = await _app.CreateUserAsync("Bob", Roles.Sales);
        var pipeline = await _app.DefaultPipelineAsync();
        var deal = await _app.CreateDealAsync(ann, new CreateDealCommand { Name = "Contested" });
        var board = Open(ann, pipeline.Id);
        var card = board.Find($"[data-deal-id='{deal.Id}']");

        await card.TriggerEventAsync("ondragstart", new DragEventArgs());
        await _app.SendAs(bob, new MoveDealToStageCommand(deal.Id, pipeline.Stage("Negotiation").Id, deal.Stage.Id, deal.Version));
        await Task.Delay(300);
        // The drag goes on undisturbed: the card stays where Ann picked it up.
        Assert.Equal(["Contested"], CardNames(board, "Qualification"));

        await Column(board, "Proposal").TriggerEventAsync("ondrop", new DragEventArgs());

        board.WaitForAssertion(() => Assert.Equal(["Contested"], CardNames(board, "Negotiation")), TimeSpan.FromSeconds(10));
        Assert.Empty(CardNames(board, "Proposal"));
        _snackbars.WaitForAssertion(() => Assert.Contains("Someone else moved or changed Contested a moment ago. It is in Negotiation now", _snackbars.Markup, StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        Assert.Equal(2, await _app.HistoryCountAsync(deal.Id));
    }

    [Fact]
    public async Task Dropping_a_card_on_a_stage_that_needs_a_missing_field_asks_for_it_then_moves()
    {
        var admin = await _app.AdminAsync();
        var (_, rita) = await _app.CreateUserAsync("Rita", Roles.Sales);
        var pipeline = await _app.DefaultPipelineAsync();
        var proposal = pipeline.Stage("Proposal");
        ResultAssert.Status(Application.Common.Results.ResultStatus.Ok, await _app.SendAs(admin,
            new Application.Crm.Pipelines.UpdatePipelineStage.UpdatePipelineStageCommand(pipeline.Id, proposal.Id, proposal.Name, proposal.Probability, null, [DealFields.Amount])));
        var deal = await _app.CreateDealAsync(rita, new CreateDealCommand { Name = "No amount yet" });
        var board = Open(rita, pipeline.Id);

        await board.Find($"[data-deal-id='{deal.Id}']").TriggerEventAsync("ondragstart", new DragEventArgs());
        // The drop's handler waits for the dialog, so it completes only after the dialog is answered.
        var drop = Column(board, "Proposal").TriggerEventAsync("ondrop", new DragEventArgs());

        _dialogs.WaitForAssertion(() => Assert.Contains("Amount is required to enter Proposal.", _dialogs.Find("[data-testid=required-fields-message]").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        Assert.Equal(["No amount yet"], CardNames(board, "Qualification"));
        _dialogs.WaitForAssertion(() => _dialogs.Find("input[data-testid=deal-amount]"), TimeSpan.FromSeconds(10));
        await _dialogs.Find("input[data-testid=deal-amount]").ChangeAsync(new Microsoft.AspNetCore.Components.ChangeEventArgs { Value = "2500" });
        await _dialogs.Find("[data-testid=required-fields-save]").ClickAsync(new MouseEventArgs());
        await drop.WaitAsync(TimeSpan.FromSeconds(10));

        board.WaitForAssertion(() => Assert.Equal(["No amount yet"], CardNames(board, "Proposal")), TimeSpan.FromSeconds(10));
        Assert.Equal("2,500 EUR", Text(Column(board, "Proposal"), "column-total"));
        Assert.Equal(2, await _app.HistoryCountAsync(deal.Id));
    }

    [Fact]
    public async Task A_rep_limited_to_own_records_does_not_see_a_colleagues_new_deal_appear()
    {
        var (_, ann) = await _app.CreateUserAsync("Ann", Roles.Sales);
        var (_, ben) = await _app.CreateUserAsync("Ben", Roles.Sales);
        var pipeline = await _app.DefaultPipelineAsync();
        await _app.RepsSeeOnlyOwnRecordsAsync(true);
        try
        {
            var board = Open(ann, pipeline.Id);

            await _app.CreateDealAsync(ben, new CreateDealCommand { Name = "Ben's secret" });
            await _app.CreateDealAsync(ann, new CreateDealCommand { Name = "Ann's new one" });

            board.WaitForAssertion(() => Assert.Equal(["Ann's new one"], CardNames(board, "Qualification")), TimeSpan.FromSeconds(10));
            Assert.DoesNotContain("Ben's secret", board.Markup, StringComparison.Ordinal);
        }
        finally
        {
            await _app.RepsSeeOnlyOwnRecordsAsync(false);
        }
    }
}
