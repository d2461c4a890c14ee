using Monfri.Domain.Common;
using Monfri.Domain.Crm;

namespace Monfri.Domain.Tests.Crm;

public sealed class DealTests
{
    private static readonly DateTimeOffset Created = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Later = Created.AddDays(3);
    private static readonly Guid Rep = Guid.NewGuid();

    private static (Pipeline Pipeline, Deal Deal) NewDeal()
    {
        var pipeline = Pipeline.Create("Sales", [("Lead", 10, null), ("Proposal", 60, null)], Created);
        var details = new DealDetails("Acme renewal", 1200m, "EUR", null, null, null, [], [], new Dictionary<string, object?>());
        return (pipeline, Deal.Create(details, pipeline.OpenStages.First(), Rep, 1, Created));
    }

    [Fact]
    public void Moving_to_another_stage_records_the_change_and_restarts_time_in_stage()
    {
        var (pipeline, deal) = NewDeal();
        var proposal = pipeline.OpenStages.Last();

        deal.MoveToStage(proposal, 2.5, Rep, Later);

        Assert.Equal(proposal.Id, deal.StageId);
        Assert.Equal(2.5, deal.Position);
        Assert.Equal(Later, deal.StageEnteredAt);
        Assert.Equal(DealStatus.Open, deal.Status);
        Assert.Null(deal.ClosedAt);
        var change = deal.StageHistory[^1];
        Assert.Equal((pipeline.OpenStages.First().Id, proposal.Id, Later, Rep), (change.FromStageId!.Value, change.ToStageId, change.ChangedAt, change.ChangedById));
    }

    [Fact]
    public void Moving_within_the_same_stage_only_changes_the_position()
    {
        var (pipeline, deal) = NewDeal();

        deal.MoveToStage(pipeline.OpenStages.First(), 7, Rep, Later);

        Assert.Equal(7, deal.Position);
        Assert.Equal(Created, deal.StageEnteredAt);
        Assert.Single(deal.StageHistory);
    }

    [Fact]
    public void Moving_to_lost_closes_the_deal_with_its_reason_and_reopening_clears_both()
    {
        var (pipeline, deal) = NewDeal();

        deal.MoveToStage(pipeline.LostStage, 1, Rep, Later, "  Went with a competitor ");

        Assert.Equal((DealStatus.Lost, Later, "Went with a competitor"), (deal.Status, deal.ClosedAt, deal.LostReason));

        deal.MoveToStage(pipeline.OpenStages.First(), 1, Rep, Later.AddDays(1));

        Assert.Equal((DealStatus.Open, (DateTimeOffset?)null, (string?)null), (deal.Status, deal.ClosedAt, deal.LostReason));
    }

    [Fact]
    public void Moving_to_won_closes_the_deal_and_ignores_a_lost_reason()
    {
        var (pipeline, deal) = NewDeal();

        deal.MoveToStage(pipeline.WonStage, 1, Rep, Later, "not lost");

        Assert.Equal((DealStatus.Won, Later, (string?)null), (deal.Status, deal.ClosedAt, deal.LostReason));
    }

    [Fact]
    public void A_deal_cannot_move_to_a_stage_of_another_pipeline()
    {
        var (_, deal) = NewDeal();
        var other = Pipeline.Create("Partners", [("Intro", 10, null)], Created);

        Assert.Throws<DomainException>(() => deal.MoveToStage(other.OpenStages.First(), 1, Rep, Later));
    }
}
