using Monfri.Domain.Crm;

namespace Monfri.Domain.Tests.Crm;

public sealed class PipelineTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

    private static Pipeline Sales(bool noSkipping = false, bool noBackwards = false)
    {
        var pipeline = Pipeline.Create("Sales", [("Lead", 10, null), ("Qualified", 30, null), ("Proposal", 60, null)], Now);
        pipeline.SetRules(noSkipping, noBackwards);
        return pipeline;
    }

    private static PipelineStage Stage(Pipeline pipeline, string name) => pipeline.Stages.Single(s => s.Name == name);

    [Fact]
    public void Without_rules_a_deal_may_move_anywhere()
    {
        var pipeline = Sales();

        Assert.Null(pipeline.RuleViolation(Stage(pipeline, "Lead"), Stage(pipeline, "Proposal")));
        Assert.Null(pipeline.RuleViolation(Stage(pipeline, "Proposal"), Stage(pipeline, "Lead")));
    }

    [Fact]
    public void No_skipping_refuses_a_jump_past_the_next_open_stage_and_names_that_stage()
    {
        var pipeline = Sales(noSkipping: true);

        Assert.Null(pipeline.RuleViolation(Stage(pipeline, "Lead"), Stage(pipeline, "Qualified")));
        Assert.Equal("Deals in Sales must go through every stage: Lead is followed by Qualified.",
            pipeline.RuleViolation(Stage(pipeline, "Lead"), Stage(pipeline, "Proposal")));
        Assert.Null(pipeline.RuleViolation(Stage(pipeline, "Proposal"), Stage(pipeline, "Lead")));
    }

    [Fact]
    public void No_moving_backwards_refuses_an_earlier_open_stage()
    {
        var pipeline = Sales(noBackwards: true);

        Assert.Equal("Deals in Sales may not move back from Proposal to Lead.",
            pipeline.RuleViolation(Stage(pipeline, "Proposal"), Stage(pipeline, "Lead")));
        Assert.Null(pipeline.RuleViolation(Stage(pipeline, "Lead"), Stage(pipeline, "Proposal")));
    }

    [Fact]
    public void Won_and_lost_are_always_reachable_and_leaving_them_is_not_a_rule_violation()
    {
        var pipeline = Sales(noSkipping: true, noBackwards: true);

        Assert.Null(pipeline.RuleViolation(Stage(pipeline, "Lead"), pipeline.WonStage));
        Assert.Null(pipeline.RuleViolation(Stage(pipeline, "Lead"), pipeline.LostStage));
        Assert.Null(pipeline.RuleViolation(pipeline.WonStage, Stage(pipeline, "Lead")));
        Assert.Null(pipeline.RuleViolation(Stage(pipeline, "Qualified"), Stage(pipeline, "Qualified")));
    }

    [Fact]
    public void The_rules_follow_the_stage_order_after_a_reorder()
    {
        var pipeline = Sales(noBackwards: true);
        pipeline.ReorderStages([Stage(pipeline, "Proposal").Id, Stage(pipeline, "Lead").Id, Stage(pipeline, "Qualified").Id]);

        Assert.Null(pipeline.RuleViolation(Stage(pipeline, "Proposal"), Stage(pipeline, "Lead")));
        Assert.NotNull(pipeline.RuleViolation(Stage(pipeline, "Lead"), Stage(pipeline, "Proposal")));
    }
}
