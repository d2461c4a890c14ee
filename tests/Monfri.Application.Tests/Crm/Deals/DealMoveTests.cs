using Monfri.Application.Common.Results;
using Monfri.Application.Crm.Deals;
using Monfri.Application.Crm.Deals.CreateDeal;
using Monfri.Application.Crm.Deals.GetDeal;
using Monfri.Application.Crm.Deals.MarkDealLost;
using Monfri.Application.Crm.Deals.MarkDealWon;
using Monfri.Application.Crm.Deals.MoveDealToStage;
using Monfri.Application.Crm.Pipelines.CreatePipeline;
using Monfri.Application.Crm.Pipelines.UpdatePipeline;
using Monfri.Application.Crm.Pipelines.UpdatePipelineStage;
using Monfri.Domain.Common;
using Monfri.Domain.Crm;
using Monfri.TestSupport;
using Monfri.TestSupport.Crm;

namespace Monfri.Application.Tests.Crm.Deals;

public sealed class DealMoveTests : IAsyncLifetime
{
    private MonfriServices _app = null!;

    public async Task InitializeAsync() => _app = await MonfriServices.StartAsync(nameof(DealMoveTests));

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Moving_a_deal_records_one_history_entry_and_tells_open_boards()
    {
        var (_, rep) = await _app.CreateUserAsync("Rita", Roles.Sales);
        var pipeline = await _app.DefaultPipelineAsync();
        var deal = await _app.CreateDealAsync(rep, new CreateDealCommand { Name = "Acme renewal", Amount = 1000m });
        using var board = await _app.RecordPipelineAsync(pipeline.Id);

        var moved = await _app.SendAs(rep, new MoveDealToStageCommand(deal.Id, pipeline.Stage("Needs analysis").Id, deal.Stage.Id, deal.Version));

        ResultAssert.Status(ResultStatus.Ok, moved);
        Assert.Equal(2, await _app.HistoryCountAsync(deal.Id));
        var published = await board.ExpectAsync(DealLive.Moved, deal.Id);
        Assert.Equal(pipeline.Stage("Needs analysis").Id, published.StageId);
        Assert.Equal(moved.Value.Version, published.Version);
        Assert.Equal("Acme renewal", published.Name);
        var reloaded = (await _app.SendAs(rep, new GetDealQuery(deal.Id))).Value;
        Assert.Equal("Needs analysis", reloaded.Stage.Name);
        Assert.Equal(300m, reloaded.WeightedAmount);
        Assert.Equal(["Qualification", "Needs analysis"], reloaded.StageHistory.Select(v => v.StageName));
        Assert.NotNull(reloaded.StageHistory[0].LeftAt);
        Assert.Null(reloaded.StageHistory[1].LeftAt);
        Assert.Equal("Rita", reloaded.StageHistory[1].ChangedBy);
    }

    [Fact]
    public async Task Two_people_moving_the_same_deal_at_once_one_wins_and_the_other_gets_a_conflict()
    {
        var (_, ann) = await _app.CreateUserAsync("Ann", Roles.Sales);
        var (_, bob) = await _app.CreateUserAsync("Bob", Roles.Manager);
        var pipeline = await _app.DefaultPipelineAsync();

        for (var round = 0; round < 5; round++)
        {
            var deal = await _app.CreateDealAsync(ann, new CreateDealCommand { Name = $"Contested {round}" });
            var first = Task.Run(() => _app.SendAs(ann, new MoveDealToStageCommand(deal.Id, pipeline.Stage("Needs analysis").Id, deal.Stage.Id, deal.Version)));
            var second = Task.Run(() => _app.SendAs(bob, new MoveDealToStageCommand(deal.Id, pipeline.Stage("Proposal").Id, deal.Stage.Id, deal.Version)));
            var results = await Task.WhenAll(first, second);

            Assert.Single(results, r => r.Status == ResultStatus.Ok);
            var loser = Assert.Single(results, r => r.Status == ResultStatus.Conflict);
            Assert.Contains("since you opened it", loser.ErrorMessage, StringComparison.Ordinal);
            Assert.Equal(2, await _app.HistoryCountAsync(deal.Id));
            var winner = results.Single(r => r.IsSuccess).Value;
            Assert.Equal(winner.StageId, (await _app.SendAs(ann, new GetDealQuery(deal.Id))).Value.Stage.Id);
        }
    }

    [Fact]
    public async Task A_move_based_on_what_the_deal_looked_like_before_is_a_conflict()
    {
        var (_, rep) = await _app.CreateUserAsync("Carl", Roles.Sales);
        var pipeline = await _app.DefaultPipelineAsync();
        var deal = await _app.CreateDealAsync(rep, new CreateDealCommand { Name = "Stale" });
        ResultAssert.Status(ResultStatus.Ok, await _app.SendAs(rep, new MoveDealToStageCommand(deal.Id, pipeline.Stage("Proposal").Id, deal.Stage.Id, deal.Version)));

        var stale = await _app.SendAs(rep, new MoveDealToStageCommand(deal.Id, pipeline.Stage("Negotiation").Id, deal.Stage.Id, deal.Version));

        ResultAssert.Status(ResultStatus.Conflict, stale);
        Assert.Equal(2, await _app.HistoryCountAsync(deal.Id));
    }

    [Fact]
    public async Task A_deal_cannot_move_to_a_stage_of_another_pipeline_or_one_that_does_not_exist()
    {
        var admin = await _app.AdminAsync();
        var other = (await _app.SendAs(admin, new CreatePipelineCommand("Partnerships", [new("Intro", 20)]))).Value;
        var deal = await _app.CreateDealAsync(admin, new CreateDealCommand { Name = "Wrong board" });

        var foreign = await _app.SendAs(admin, new MoveDealToStageCommand(deal.Id, other.Stage("Intro").Id, deal.Stage.Id, deal.Version));
        var unknown = await _app.SendAs(admin, new MoveDealToStageCommand(deal.Id, Guid.NewGuid(), deal.Stage.Id, deal.Version));

        ResultAssert.Status(ResultStatus.Invalid, foreign);
        Assert.Equal("That stage is not in Sales pipeline, this deal's pipeline.", foreign.ErrorMessage);
        ResultAssert.Status(ResultStatus.Invalid, unknown);
        Assert.Equal("That stage does not exist.", unknown.ErrorMessage);
        Assert.Equal(1, await _app.HistoryCountAsync(deal.Id));
    }

    [Fact]
    public async Task Entering_a_stage_needs_its_required_fields_and_says_which_are_missing()
    {
        var admin = await _app.AdminAsync();
        var (_, rep) = await _app.CreateUserAsync("Dina", Roles.Sales);
        await _app.AddDealFieldAsync("budget_confirmed", "Budget confirmed", CustomFieldType.Boolean);
        var pipeline = await _app.DefaultPipelineAsync();
        var proposal = pipeline.Stage("Proposal");
        ResultAssert.Status(ResultStatus.Ok, await _app.SendAs(admin, new UpdatePipelineStageCommand(
            pipeline.Id, proposal.Id, proposal.Name, proposal.Probability, null, [DealFields.Amount, DealFields.CloseDate, "budget_confirmed"])));
        var deal = await _app.CreateDealAsync(rep, new CreateDealCommand { Name = "Half filled", Amount = 500m });

        var refused = await _app.SendAs(rep, new MoveDealToStageCommand(deal.Id, proposal.Id, deal.Stage.Id, deal.Version));

        ResultAssert.Status(ResultStatus.Invalid, refused);
        Assert.Equal(["closeDate", "customFields.budget_confirmed"], refused.Errors.Select(e => e.Field));
        Assert.Equal("Close date is required to enter Proposal. Budget confirmed is required to enter Proposal.", refused.ErrorMessage);
        Assert.Equal(1, await _app.HistoryCountAsync(deal.Id));

        var updated = await _app.SendAs(rep, new Application.Crm.Deals.UpdateDeal.UpdateDealCommand
        {
            Id = deal.Id, Version = deal.Version, Name = deal.Name, Amount = 500m, CloseDate = new DateOnly(2030, 1, 31),
            CustomFields = new Dictionary<string, object?> { ["budget_confirmed"] = "yes" },
        });
        ResultAssert.Status(ResultStatus.Ok, updated);
        ResultAssert.Status(ResultStatus.Ok, await _app.SendAs(rep, new MoveDealToStageCommand(deal.Id, proposal.Id, deal.Stage.Id, updated.Value.Version)));
    }

    [Fact]
    public async Task With_no_skipping_a_rep_must_go_stage_by_stage_and_only_a_manager_may_override()
    {
        var pipeline = await RulesPipelineAsync("Strict forward", noSkipping: true, noBackwards: false);
        var (_, rep) = await _app.CreateUserAsync("Evan", Roles.Sales);
        var (_, manager) = await _app.CreateUserAsync("Mia", Roles.Manager);
        var deal = await _app.CreateDealAsync(rep, new CreateDealCommand { Name = "Skipper", PipelineId = pipeline.Id });
        var last = pipeline.Stage("Three").Id;

        var skipped = await _app.SendAs(rep, new MoveDealToStageCommand(deal.Id, last, deal.Stage.Id, deal.Version));
        var repOverride = await _app.SendAs(rep, new MoveDealToStageCommand(deal.Id, last, deal.Stage.Id, deal.Version, Override: true));
        var managerOverride = await _app.SendAs(manager, new MoveDealToStageCommand(deal.Id, last, deal.Stage.Id, deal.Version, Override: true));

        ResultAssert.Status(ResultStatus.Invalid, skipped);
        Assert.Equal("Deals in Strict forward must go through every stage: One is followed by Two.", skipped.ErrorMessage);
        ResultAssert.Status(ResultStatus.Forbidden, repOverride);
        ResultAssert.Status(ResultStatus.Ok, managerOverride);
        Assert.Equal(2, await _app.HistoryCountAsync(deal.Id));
    }

    [Fact]
    public async Task With_no_moving_backwards_a_deal_only_goes_forward_unless_a_manager_overrides()
    {
        var pipeline = await RulesPipelineAsync("One way", noSkipping: false, noBackwards: true);
        var (_, rep) = await _app.CreateUserAsync("Finn", Roles.Sales);
        var admin = await _app.AdminAsync();
        var deal = await _app.CreateDealAsync(rep, new CreateDealCommand { Name = "Backslider", StageId = pipeline.Stage("Three").Id });

        var back = await _app.SendAs(rep, new MoveDealToStageCommand(deal.Id, pipeline.Stage("One").Id, deal.Stage.Id, deal.Version));
        var withoutOverride = await _app.SendAs(admin, new MoveDealToStageCommand(deal.Id, pipeline.Stage("One").Id, deal.Stage.Id, deal.Version));
        var overridden = await _app.SendAs(admin, new MoveDealToStageCommand(deal.Id, pipeline.Stage("One").Id, deal.Stage.Id, deal.Version, Override: true));

        ResultAssert.Status(ResultStatus.Invalid, back);
        Assert.Equal("Deals in One way may not move back from Three to One.", back.ErrorMessage);
        ResultAssert.Status(ResultStatus.Invalid, withoutOverride);
        Assert.Contains("As a manager you may override this rule.", withoutOverride.ErrorMessage, StringComparison.Ordinal);
        ResultAssert.Status(ResultStatus.Ok, overridden);
    }

    [Fact]
    public async Task Marking_a_deal_lost_needs_a_reason_and_won_and_lost_close_it()
    {
        var (_, rep) = await _app.CreateUserAsync("Gus", Roles.Sales);
        var pipeline = await _app.DefaultPipelineAsync();
        var lostDeal = await _app.CreateDealAsync(rep, new CreateDealCommand { Name = "Gone", Amount = 100m });
        var wonDeal = await _app.CreateDealAsync(rep, new CreateDealCommand { Name = "Signed", Amount = 200m });
        using var board = await _app.RecordPipelineAsync(pipeline.Id);

        var noReason = await _app.SendAs(rep, new MoveDealToStageCommand(lostDeal.Id, pipeline.Stage("Lost").Id, lostDeal.Stage.Id, lostDeal.Version));
        var blankReason = await _app.SendAs(rep, new MarkDealLostCommand(lostDeal.Id, lostDeal.Version, "  "));
        var lost = await _app.SendAs(rep, new MarkDealLostCommand(lostDeal.Id, lostDeal.Version, "Went with a competitor"));
        var won = await _app.SendAs(rep, new MarkDealWonCommand(wonDeal.Id, wonDeal.Version));

        ResultAssert.Status(ResultStatus.Invalid, noReason);
        Assert.Equal("Say why the deal was lost.", noReason.ErrorMessage);
        ResultAssert.Status(ResultStatus.Invalid, blankReason);
        ResultAssert.Status(ResultStatus.Ok, lost);
        ResultAssert.Status(ResultStatus.Ok, won);
        var lostNow = (await _app.SendAs(rep, new GetDealQuery(lostDeal.Id))).Value;
        Assert.Equal(DealStatus.Lost, lostNow.Status);
        Assert.Equal("Went with a competitor", lostNow.LostReason);
        Assert.NotNull(lostNow.ClosedAt);
        var wonNow = (await _app.SendAs(rep, new GetDealQuery(wonDeal.Id))).Value;
        Assert.Equal(DealStatus.Won, wonNow.Status);
        Assert.Equal(200m, wonNow.WeightedAmount);
        await board.ExpectAsync(DealLive.Lost, lostDeal.Id);
        await board.ExpectAsync(DealLive.Won, wonDeal.Id);

        var reopened = await _app.SendAs(rep, new MoveDealToStageCommand(wonDeal.Id, pipeline.Stage("Negotiation").Id, wonNow.Stage.Id, wonNow.Version));
        ResultAssert.Status(ResultStatus.Ok, reopened);
        Assert.Equal(DealStatus.Open, reopened.Value.Status);
    }

    [Fact]
    public async Task Marketing_reads_deals_but_cannot_move_or_close_them()
    {
        var (_, rep) = await _app.CreateUserAsync("Hal", Roles.Sales);
        var (_, marketer) = await _app.CreateUserAsync("Mo", Roles.Marketing);
        var pipeline = await _app.DefaultPipelineAsync();
        var deal = await _app.CreateDealAsync(rep, new CreateDealCommand { Name = "Watched" });

        ResultAssert.Status(ResultStatus.Ok, await _app.SendAs(marketer, new GetDealQuery(deal.Id)));
        ResultAssert.Status(ResultStatus.Forbidden, await _app.SendAs(marketer, new MoveDealToStageCommand(deal.Id, pipeline.Stage("Proposal").Id, deal.Stage.Id, deal.Version)));
        ResultAssert.Status(ResultStatus.Forbidden, await _app.SendAs(marketer, new MarkDealWonCommand(deal.Id, deal.Version)));
        ResultAssert.Status(ResultStatus.Forbidden, await _app.SendAs(marketer, new MarkDealLostCommand(deal.Id, deal.Version, "No")));
        Assert.Equal(1, await _app.HistoryCountAsync(deal.Id));
    }

    private async Task<Application.Crm.Pipelines.PipelineDto> RulesPipelineAsync(string name, bool noSkipping, bool noBackwards)
    {
        var admin = await _app.AdminAsync();
        var pipeline = (await _app.SendAs(admin, new CreatePipelineCommand(name, [new("One", 10), new("Two", 40), new("Three", 70)]))).Value;
        return (await _app.SendAs(admin, new UpdatePipelineCommand(pipeline.Id, name, noSkipping, noBackwards))).Value;
    }
}
