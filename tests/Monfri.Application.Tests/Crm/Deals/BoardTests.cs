using Monfri.Application.Common.Live;
using Monfri.Application.Common.Results;
using Monfri.Application.Crm.Activities.LogActivity;
using Monfri.Application.Crm.Common;
using Monfri.Application.Crm.Deals;
using Monfri.Application.Crm.Deals.CreateDeal;
using Monfri.Application.Crm.Deals.DeleteDeal;
using Monfri.Application.Crm.Deals.GetBoard;
using Monfri.Application.Crm.Deals.GetBoardCard;
using Monfri.Application.Crm.Deals.MarkDealWon;
using Monfri.Application.Crm.Deals.MoveDealToStage;
using Monfri.Application.Crm.Deals.UpdateDeal;
using Monfri.Application.Crm.Pipelines.AddPipelineStage;
using Monfri.Application.Crm.Pipelines.CreatePipeline;
using Monfri.Application.Crm.Pipelines.DeletePipelineStage;
using Monfri.Application.Crm.Settings;
using Monfri.Domain.Common;
using Monfri.Domain.Crm;
using Monfri.TestSupport;
using Monfri.TestSupport.Crm;
using Monfri.Application.Crm.Settings.UpdateWorkspaceSettings;
using Monfri.Application.Crm.Settings.GetWorkspaceSettings;
using Monfri.Application.Crm.BulkActions.AssignOwner;
using Monfri.Application.Crm.Deals.GetBoardFilter;
using Monfri.Application.Crm.Deals.SaveBoardFilter;

namespace Monfri.Application.Tests.Crm.Deals;

/// <summary>The pipeline board's reads and moves, and who hears about which card.</summary>
public sealed class BoardTests : IAsyncLifetime
{
    private MonfriServices _app = null!;

    public async Task InitializeAsync() => _app = await MonfriServices.StartAsync(nameof(BoardTests));

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task The_board_shows_open_deals_by_stage_with_company_owner_and_next_task()
    {
        var admin = await _app.AdminAsync();
        var (rita, rep) = await _app.CreateUserAsync("Rita", Roles.Sales);
        var pipeline = await _app.DefaultPipelineAsync();
        var company = await _app.AddCompanyAsync("Acme");
        var first = await _app.CreateDealAsync(rep, new CreateDealCommand { Name = "Acme pilot", Amount = 1000m, CompanyId = company });
        var second = await _app.CreateDealAsync(rep, new CreateDealCommand { Name = "Acme rollout", Amount = 3000m, StageId = pipeline.Stage("Proposal").Id });
        var won = await _app.CreateDealAsync(rep, new CreateDealCommand { Name = "Already won" });
        ResultAssert.Status(ResultStatus.Ok, await _app.SendAs(rep, new MarkDealWonCommand(won.Id, won.Version)));
        var elsewhere = (await _app.SendAs(admin, new CreatePipelineCommand("Partnerships", [new("Intro", 20)]))).Value;
        await _app.CreateDealAsync(rep, new CreateDealCommand { Name = "Other pipeline", PipelineId = elsewhere.Id });
        var soon = DateTimeOffset.UtcNow.AddDays(1);
        await _app.SendAs(rep, new LogActivityCommand(ActivityType.Task, "Call back later", null, null, null, first.Id, DueAt: soon.AddDays(5), AssigneeId: rita.Id));
        await _app.SendAs(rep, new LogActivityCommand(ActivityType.Task, "Send the proposal", null, null, null, first.Id, DueAt: soon, AssigneeId: rita.Id));
        await _app.SendAs(rep, new LogActivityCommand(ActivityType.Note, "Met them", null, null, null, first.Id));

        var board = await _app.SendAs(rep, new GetBoardQuery(pipeline.Id));

        ResultAssert.Status(ResultStatus.Ok, board);
        Assert.Equal(["Acme pilot", "Acme rollout"], board.Value.Cards.Select(c => c.Name));
        var pilot = board.Value.Cards[0];
        Assert.Equal(pipeline.Stage("Qualification").Id, pilot.StageId);
        Assert.Equal("Acme", pilot.CompanyName);
        Assert.Equal("Rita", pilot.OwnerName);
        Assert.Equal("Send the proposal", pilot.NextTask?.Subject);
        Assert.Null(board.Value.Cards[1].NextTask);
        Assert.Equal(1800m, board.Value.Cards[1].WeightedAmount(pipeline.Stage("Proposal")));
        Assert.Equal(second.Version, board.Value.Cards[1].Version);

        var card = await _app.SendAs(rep, new GetBoardCardQuery(first.Id));
        Assert.Equal(pilot, card.Value with { Tags = pilot.Tags });
        ResultAssert.Status(ResultStatus.NotFound, await _app.SendAs(rep, new GetBoardCardQuery(won.Id)));
        ResultAssert.Status(ResultStatus.NotFound, await _app.SendAs(rep, new GetBoardQuery(Guid.NewGuid())));
    }

    [Fact]
    public async Task Board_filters_narrow_the_cards_and_each_user_gets_back_their_own()
    {
        var (ann, annPrincipal) = await _app.CreateUserAsync("Ann", Roles.Sales);
        var (_, bob) = await _app.CreateUserAsync("Bob", Roles.Manager);
        var pipeline = await _app.DefaultPipelineAsync();
        await _app.CreateDealAsync(annPrincipal, new CreateDealCommand { Name = "Small and soon", Amount = 100m, CloseDate = new DateOnly(2030, 1, 10), Tags = ["hot"] });
        await _app.CreateDealAsync(annPrincipal, new CreateDealCommand { Name = "Big and late", Amount = 90_000m, CloseDate = new DateOnly(2031, 6, 1) });
        await _app.CreateDealAsync(bob, new CreateDealCommand { Name = "Bob's own" });

        async Task<string[]> Names(BoardFilter filter) =>
            (await _app.SendAs(bob, new GetBoardQuery(pipeline.Id, filter))).Value.Cards.Select(c => c.Name).Order().ToArray();

        Assert.Equal(["Big and late", "Small and soon"], await Names(new BoardFilter { OwnerId = ann.Id }));
        Assert.Equal(["Small and soon"], await Names(new BoardFilter { CloseDateTo = new DateOnly(2030, 12, 31) }));
        Assert.Equal(["Big and late"], await Names(new BoardFilter { AmountMin = 1000m }));
        Assert.Equal(["Small and soon"], await Names(new BoardFilter { Tag = "hot" }));
        Assert.Equal(["Bob's own"], await Names(new BoardFilter { Search = "BOB" }));

        var filter = new BoardFilter { OwnerId = ann.Id, AmountMax = 500m };
        ResultAssert.Status(ResultStatus.Ok, await _app.SendAs(annPrincipal, new SaveBoardFilterCommand(pipeline.Id, filter)));
        Assert.Equal(filter, (await _app.SendAs(annPrincipal, new GetBoardFilterQuery(pipeline.Id))).Value);
        Assert.True((await _app.SendAs(bob, new GetBoardFilterQuery(pipeline.Id))).Value.IsEmpty);
        Assert.Empty((await _app.SendAs(annPrincipal, new Application.Crm.Views.ListSavedViews.ListSavedViewsQuery(CrmObjectType.Deal))).Value);

        var inverted = await _app.SendAs(bob, new GetBoardQuery(pipeline.Id, new BoardFilter { AmountMin = 10m, AmountMax = 5m }));
        ResultAssert.Status(ResultStatus.Invalid, inverted);
    }

    [Fact]
    public async Task A_rep_limited_to_own_records_sees_only_their_cards_on_the_board()
    {
        var (_, ann) = await _app.CreateUserAsync("Ann", Roles.Sales);
        var (_, ben) = await _app.CreateUserAsync("Ben", Roles.Sales);
        var pipeline = await _app.DefaultPipelineAsync();
        await _app.CreateDealAsync(ann, new CreateDealCommand { Name = "Ann's" });
        var bens = await _app.CreateDealAsync(ben, new CreateDealCommand { Name = "Ben's" });
        await _app.RepsSeeOnlyOwnRecordsAsync(true);
        try
        {
            Assert.Equal(["Ann's"], (await _app.SendAs(ann, new GetBoardQuery(pipeline.Id))).Value.Cards.Select(c => c.Name));
            ResultAssert.Status(ResultStatus.NotFound, await _app.SendAs(ann, new GetBoardCardQuery(bens.Id)));
        }
        finally
        {
            await _app.RepsSeeOnlyOwnRecordsAsync(false);
        }
    }

    [Fact]
    public async Task Moving_a_card_between_two_others_writes_only_that_card()
    {
        var (_, rep) = await _app.CreateUserAsync("Pia", Roles.Sales);
        var pipeline = await _app.DefaultPipelineAsync();
        var analysis = pipeline.Stage("Needs analysis").Id;
        var above = await _app.CreateDealAsync(rep, new CreateDealCommand { Name = "Above", StageId = analysis });
        var below = await _app.CreateDealAsync(rep, new CreateDealCommand { Name = "Below", StageId = analysis });
        var moving = await _app.CreateDealAsync(rep, new CreateDealCommand { Name = "Moving" });
        var position = DealPositions.Between(above.Position, below.Position);

        var moved = await _app.SendAs(rep, new MoveDealToStageCommand(moving.Id, analysis, moving.Stage.Id, moving.Version, position));

        ResultAssert.Status(ResultStatus.Ok, moved);
        var column = (await _app.SendAs(rep, new GetBoardQuery(pipeline.Id))).Value.Cards.Where(c => c.StageId == analysis).ToList();
        Assert.Equal(["Above", "Moving", "Below"], column.Select(c => c.Name));
        Assert.Equal((above.Position, above.Version), (column[0].Position, column[0].Version));
        Assert.Equal((below.Position, below.Version), (column[2].Position, column[2].Version));
    }

    [Fact]
    public async Task Two_reps_moving_one_card_at_once_one_wins_and_boards_hear_of_it_once()
    {
        var (_, ann) = await _app.CreateUserAsync("Ann", Roles.Sales);
        var (_, bob) = await _app.CreateUserAsync("Bob", Roles.Sales);
        var pipeline = await _app.DefaultPipelineAsync();
        using var board = await _app.RecordPipelineAsync(pipeline.Id);

        for (var round = 0; round < 5; round++)
        {
            var deal = await _app.CreateDealAsync(ann, new CreateDealCommand { Name = $"Contested {round}" });
            var start = new TaskCompletionSource();
            var moves = new[] { (ann, "Needs analysis"), (bob, "Proposal") }.Select(m => Task.Run(async () =>
            {
                await start.Task;
                return await _app.SendAs(m.Item1, new MoveDealToStageCommand(deal.Id, pipeline.Stage(m.Item2).Id, deal.Stage.Id, deal.Version, 1.5));
            })).ToArray();
            start.SetResult();
            var results = await Task.WhenAll(moves);

            var winner = Assert.Single(results, r => r.IsSuccess).Value;
            var loser = Assert.Single(results, r => !r.IsSuccess);
            ResultAssert.Status(ResultStatus.Conflict, loser);
            Assert.Equal(2, await _app.HistoryCountAsync(deal.Id));
            await board.ExpectAsync(DealLive.Moved, deal.Id);
            await Task.Delay(100);
            Assert.Single(board.Updates, u => u.Kind == DealLive.Moved && u.DataAs<DealSnapshot>()!.Id == deal.Id);
            var truth = (await _app.SendAs(bob, new GetBoardCardQuery(deal.Id))).Value;
            Assert.Equal((winner.StageId, winner.Version), (truth.StageId, truth.Version));
        }
    }

    [Fact]
    public async Task Moves_of_a_deleted_deal_or_into_a_removed_or_foreign_stage_are_refused_clearly()
    {
        var admin = await _app.AdminAsync();
        var (_, rep) = await _app.CreateUserAsync("Uli", Roles.Sales);
        var pipeline = (await _app.SendAs(admin, new CreatePipelineCommand("Short lived", [new("One", 10), new("Two", 20)]))).Value;
        var other = (await _app.SendAs(admin, new CreatePipelineCommand("Elsewhere", [new("Intro", 20)]))).Value;
        var deal = await _app.CreateDealAsync(rep, new CreateDealCommand { Name = "Survivor", PipelineId = pipeline.Id });
        var gone = await _app.CreateDealAsync(rep, new CreateDealCommand { Name = "Gone", PipelineId = pipeline.Id });
        ResultAssert.Status(ResultStatus.Ok, await _app.SendAs(rep, new DeleteDealCommand(gone.Id)));
        var extra = (await _app.SendAs(admin, new AddPipelineStageCommand(pipeline.Id, "Three", 30, null, null))).Value.Stage("Three");
        ResultAssert.Status(ResultStatus.Ok, await _app.SendAs(admin, new DeletePipelineStageCommand(pipeline.Id, extra.Id)));

        var deleted = await _app.SendAs(rep, new MoveDealToStageCommand(gone.Id, pipeline.Stage("Two").Id, gone.Stage.Id, gone.Version));
        var removedStage = await _app.SendAs(rep, new MoveDealToStageCommand(deal.Id, extra.Id, deal.Stage.Id, deal.Version));
        var foreign = await _app.SendAs(rep, new MoveDealToStageCommand(deal.Id, other.Stage("Intro").Id, deal.Stage.Id, deal.Version));

        ResultAssert.Status(ResultStatus.NotFound, deleted);
        Assert.Equal("That deal does not exist.", deleted.ErrorMessage);
        ResultAssert.Status(ResultStatus.Invalid, removedStage);
        Assert.Equal("That stage does not exist.", removedStage.ErrorMessage);
        ResultAssert.Status(ResultStatus.Invalid, foreign);
        Assert.Equal("That stage is not in Short lived, this deal's pipeline.", foreign.ErrorMessage);
        Assert.Equal(pipeline.Stage("One").Id, (await _app.SendAs(rep, new GetBoardCardQuery(deal.Id))).Value.StageId);
    }

    [Fact]
    public async Task A_rep_limited_to_own_records_hears_only_about_their_own_deals_and_when_one_is_taken_away()
    {
        var (annUser, ann) = await _app.CreateUserAsync("Ann", Roles.Sales);
        var (benUser, ben) = await _app.CreateUserAsync("Ben", Roles.Sales);
        var (_, mia) = await _app.CreateUserAsync("Mia", Roles.Manager);
        var pipeline = await _app.DefaultPipelineAsync();
        var annsDeal = await _app.CreateDealAsync(ann, new CreateDealCommand { Name = "Ann's deal" });
        var bensDeal = await _app.CreateDealAsync(ben, new CreateDealCommand { Name = "Ben's deal" });
        await _app.RepsSeeOnlyOwnRecordsAsync(true);
        try
        {
            using var annHears = await _app.RecordPipelineAsync(pipeline.Id, ann);
            using var miaHears = await _app.RecordPipelineAsync(pipeline.Id, mia);

            var bensMove = await _app.SendAs(ben, new MoveDealToStageCommand(bensDeal.Id, pipeline.Stage("Proposal").Id, bensDeal.Stage.Id, bensDeal.Version));
            var annsMove = await _app.SendAs(ann, new MoveDealToStageCommand(annsDeal.Id, pipeline.Stage("Proposal").Id, annsDeal.Stage.Id, annsDeal.Version));
            await miaHears.ExpectAsync(DealLive.Moved, bensDeal.Id);
            await annHears.ExpectAsync(DealLive.Moved, annsDeal.Id);
            Assert.DoesNotContain(annHears.Updates, u => u.Data.ToString().Contains(bensDeal.Id.ToString(), StringComparison.Ordinal));

            // Ann's deal goes to Ben: she is told it left (and nothing more); Mia sees the whole change.
            var reassigned = await _app.SendAs(mia, new UpdateDealCommand { Id = annsDeal.Id, Version = annsMove.Value.Version, Name = "Ann's deal", OwnerId = benUser.Id });
            ResultAssert.Status(ResultStatus.Ok, reassigned);
            await miaHears.ExpectAsync(DealLive.Updated, annsDeal.Id);
            var hidden = await WaitForAsync(annHears, u => u.Kind == LiveScope.HiddenKind);
            Assert.Equal(annsDeal.Id, hidden.Data.GetProperty("id").GetGuid());
            Assert.Null(hidden.Scope);
            Assert.DoesNotContain(annHears.Updates, u => u.Kind == DealLive.Updated);

            // Ben's deal comes to Ann in bulk: now she hears of it.
            ResultAssert.Status(ResultStatus.Ok, await _app.SendAs(mia, new AssignOwnerCommand(CrmObjectType.Deal, [bensDeal.Id], annUser.Id)));
            Assert.Equal(annUser.Id, (await annHears.ExpectAsync(DealLive.Updated, bensDeal.Id)).OwnerId);
        }
        finally
        {
            await _app.RepsSeeOnlyOwnRecordsAsync(false);
        }
    }

    [Fact]
    public async Task Turning_the_own_records_rule_on_in_the_settings_narrows_live_updates_at_once()
    {
        var admin = await _app.AdminAsync();
        var (_, ann) = await _app.CreateUserAsync("Ann", Roles.Sales);
        var (_, ben) = await _app.CreateUserAsync("Ben", Roles.Sales);
        var pipeline = await _app.DefaultPipelineAsync();
        using var annHears = await _app.RecordPipelineAsync(pipeline.Id, ann);
        var before = await _app.CreateDealAsync(ben, new CreateDealCommand { Name = "Seen while open" });
        await annHears.ExpectAsync(DealLive.Created, before.Id);

        var settings = (await _app.SendAs(admin, new GetWorkspaceSettingsQuery())).Value;
        ResultAssert.Status(ResultStatus.Ok, await _app.SendAs(admin, new UpdateWorkspaceSettingsCommand(true, settings.LifecycleStages, settings.DefaultCurrency, settings.Version)));
        try
        {
            await WaitUntilAsync(() => _app.Get<Monfri.Infrastructure.Live.OwnRecordsAudience>().RepsSeeOnlyOwnRecords);
            var after = await _app.CreateDealAsync(ben, new CreateDealCommand { Name = "Hidden once closed" });
            var own = await _app.CreateDealAsync(ann, new CreateDealCommand { Name = "Ann's own" });

            await annHears.ExpectAsync(DealLive.Created, own.Id);
            Assert.DoesNotContain(annHears.Updates, u => u.DataAs<DealSnapshot>()?.Id == after.Id);
        }
        finally
        {
            await _app.RepsSeeOnlyOwnRecordsAsync(false);
        }
    }

    private static async Task<LiveUpdate> WaitForAsync(LiveRecorder recorder, Func<LiveUpdate, bool> match)
    {
        for (var i = 0; i < 100; i++)
        {
            if (recorder.Updates.FirstOrDefault(match) is { } update)
            {
                return update;
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException($"Not received; got: {string.Join(", ", recorder.Updates.Select(u => u.Kind))}");
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(condition());
    }
}
