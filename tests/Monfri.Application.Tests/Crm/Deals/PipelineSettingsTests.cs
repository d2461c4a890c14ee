using Monfri.Application.Common.Results;
using Monfri.Application.Crm.Deals.CreateDeal;
using Monfri.Application.Crm.Deals.GetDeal;
using Monfri.Application.Crm.Pipelines.AddPipelineStage;
using Monfri.Application.Crm.Pipelines.CreatePipeline;
using Monfri.Application.Crm.Pipelines.DeletePipelineStage;
using Monfri.Application.Crm.Pipelines.ListPipelines;
using Monfri.Application.Crm.Pipelines.ReorderPipelineStages;
using Monfri.Application.Crm.Pipelines.UpdatePipeline;
using Monfri.Application.Crm.Pipelines.UpdatePipelineStage;
using Monfri.Domain.Common;
using Monfri.Domain.Crm;
using Monfri.Infrastructure.Persistence;
using Monfri.TestSupport;
using Monfri.TestSupport.Crm;

namespace Monfri.Application.Tests.Crm.Deals;

public sealed class PipelineSettingsTests : IAsyncLifetime
{
    private MonfriServices _app = null!;

    public async Task InitializeAsync() => _app = await MonfriServices.StartAsync(nameof(PipelineSettingsTests));

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_new_workspace_starts_with_the_sales_pipeline_and_seeding_again_adds_nothing()
    {
        await _app.Get<DefaultPipelineSeeder>().SeedAsync(CancellationToken.None);
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => _app.Get<DefaultPipelineSeeder>().SeedAsync(CancellationToken.None)));

        var pipelines = (await _app.SendAs(await _app.AdminAsync(), new ListPipelinesQuery())).Value;

        var pipeline = Assert.Single(pipelines);
        Assert.Equal("Sales pipeline", pipeline.Name);
        Assert.True(pipeline.IsDefault);
        Assert.Equal(
            [("Qualification", 10, StageKind.Open), ("Needs analysis", 30, StageKind.Open), ("Proposal", 60, StageKind.Open), ("Negotiation", 80, StageKind.Open), ("Won", 100, StageKind.Won), ("Lost", 0, StageKind.Lost)],
            pipeline.Stages.Select(s => (s.Name, s.Probability, s.Kind)));
    }

    [Fact]
    public async Task Everyone_reads_pipelines_but_only_managers_and_admins_change_them()
    {
        var (_, rep) = await _app.CreateUserAsync("Rep", Roles.Sales);
        var (_, marketer) = await _app.CreateUserAsync("Mark", Roles.Marketing);
        var (_, manager) = await _app.CreateUserAsync("Manny", Roles.Manager);
        var pipeline = await _app.DefaultPipelineAsync();

        ResultAssert.Status(ResultStatus.Ok, await _app.SendAs(marketer, new ListPipelinesQuery()));
        ResultAssert.Status(ResultStatus.Forbidden, await _app.SendAs(rep, new CreatePipelineCommand("Mine", [new("A", 10)])));
        ResultAssert.Status(ResultStatus.Forbidden, await _app.SendAs(marketer, new UpdatePipelineCommand(pipeline.Id, "Renamed", true, true)));
        ResultAssert.Status(ResultStatus.Forbidden, await _app.SendAs(rep, new AddPipelineStageCommand(pipeline.Id, "Extra", 50)));
        ResultAssert.Status(ResultStatus.Ok, await _app.SendAs(manager, new UpdatePipelineCommand(pipeline.Id, "Sales pipeline", true, false)));
    }

    [Fact]
    public async Task A_new_pipeline_gets_won_and_lost_after_its_open_stages()
    {
        var admin = await _app.AdminAsync();

        var created = await _app.SendAs(admin, new CreatePipelineCommand(" Partners ", [new("Intro", 20, 14), new("Pilot", 50, null, [DealFields.Amount])]));

        ResultAssert.Status(ResultStatus.Ok, created);
        Assert.Equal("Partners", created.Value.Name);
        Assert.False(created.Value.IsDefault);
        Assert.Equal(["Intro", "Pilot", "Won", "Lost"], created.Value.Stages.Select(s => s.Name));
        Assert.Equal(14, created.Value.Stage("Intro").RottingDays);
        Assert.Equal([DealFields.Amount], created.Value.Stage("Pilot").RequiredFields);
        var duplicate = await _app.SendAs(admin, new CreatePipelineCommand("partners", [new("X", 1)]));
        Assert.Equal(new ResultError("There is already a pipeline named partners.", "Name"), Assert.Single(duplicate.Errors));
    }

    [Fact]
    public async Task Stage_settings_are_checked_with_clear_messages()
    {
        var admin = await _app.AdminAsync();
        var pipeline = await _app.DefaultPipelineAsync();

        var bad = await _app.SendAs(admin, new CreatePipelineCommand("", [new("", 101, 0)]));
        var noStages = await _app.SendAs(admin, new CreatePipelineCommand("Empty", []));
        var unknownField = await _app.SendAs(admin, new AddPipelineStageCommand(pipeline.Id, "Legal", 90, null, ["amount", "favourite_colour"]));
        var tooLikely = await _app.SendAs(admin, new UpdatePipelineStageCommand(pipeline.Id, pipeline.Stage("Proposal").Id, "Proposal", -1, null, []));

        Assert.Equal(
            ["Give the pipeline a name.", "Give the stage a name.", "Win probability is a percentage from 0 to 100.", "Rotting days is a number of days from 1 to 3650, or empty for never."],
            bad.Errors.Select(e => e.Message));
        Assert.Equal("A pipeline needs at least one open stage.", noStages.ErrorMessage);
        Assert.Equal("'favourite_colour' is not a deal field; choose among amount, closeDate, owner, company, contacts or a deal custom field.", unknownField.ErrorMessage);
        Assert.Equal("Win probability is a percentage from 0 to 100.", tooLikely.ErrorMessage);

        await _app.AddDealFieldAsync("favourite_colour", "Favourite colour", CustomFieldType.Text);
        ResultAssert.Status(ResultStatus.Ok, await _app.SendAs(admin, new AddPipelineStageCommand(pipeline.Id, "Legal", 90, null, ["amount", "favourite_colour"])));
    }

    [Fact]
    public async Task Stages_are_added_renamed_and_reordered_with_won_and_lost_always_last()
    {
        var admin = await _app.AdminAsync();
        var pipeline = (await _app.SendAs(admin, new CreatePipelineCommand("Hiring", [new("Screen", 10), new("Interview", 40)]))).Value;

        var added = (await _app.SendAs(admin, new AddPipelineStageCommand(pipeline.Id, "Offer", 90, 7))).Value;
        Assert.Equal(["Screen", "Interview", "Offer", "Won", "Lost"], added.Stages.Select(s => s.Name));
        Assert.Equal([0, 1, 2, 3, 4], added.Stages.Select(s => s.Order));

        var renamed = (await _app.SendAs(admin, new UpdatePipelineStageCommand(pipeline.Id, added.Stage("Interview").Id, "Panel interview", 55, 21, [DealFields.CloseDate]))).Value;
        var panel = renamed.Stage("Panel interview");
        Assert.Equal((55, 21), (panel.Probability, panel.RottingDays));
        Assert.Equal([DealFields.CloseDate], panel.RequiredFields);

        var reordered = await _app.SendAs(admin, new ReorderPipelineStagesCommand(pipeline.Id, [renamed.Stage("Offer").Id, panel.Id, renamed.Stage("Screen").Id]));
        ResultAssert.Status(ResultStatus.Ok, reordered);
        var listed = (await _app.SendAs(admin, new ListPipelinesQuery())).Value.Single(p => p.Id == pipeline.Id);
        Assert.Equal(["Offer", "Panel interview", "Screen", "Won", "Lost"], listed.Stages.Select(s => s.Name));

        var incomplete = await _app.SendAs(admin, new ReorderPipelineStagesCommand(pipeline.Id, [panel.Id, listed.Stage("Won").Id]));
        ResultAssert.Status(ResultStatus.Invalid, incomplete);
        var wonRename = await _app.SendAs(admin, new UpdatePipelineStageCommand(pipeline.Id, listed.Stage("Won").Id, "Hired", 100, null, []));
        ResultAssert.Status(ResultStatus.Invalid, wonRename);
    }

    [Fact]
    public async Task A_stage_with_deals_is_deleted_only_after_choosing_where_its_deals_go()
    {
        var admin = await _app.AdminAsync();
        var pipeline = (await _app.SendAs(admin, new CreatePipelineCommand("Events", [new("Invited", 10), new("Registered", 40), new("Attended", 70)]))).Value;
        var other = (await _app.SendAs(admin, new CreatePipelineCommand("Other", [new("Elsewhere", 10)]))).Value;
        var registered = pipeline.Stage("Registered");
        var deal1 = await _app.CreateDealAsync(admin, new CreateDealCommand { Name = "Guest one", StageId = registered.Id });
        await _app.CreateDealAsync(admin, new CreateDealCommand { Name = "Guest two", StageId = registered.Id });

        var refused = await _app.SendAs(admin, new DeletePipelineStageCommand(pipeline.Id, registered.Id));
        var wrongTarget = await _app.SendAs(admin, new DeletePipelineStageCommand(pipeline.Id, registered.Id, other.Stage("Elsewhere").Id));
        var deleted = await _app.SendAs(admin, new DeletePipelineStageCommand(pipeline.Id, registered.Id, pipeline.Stage("Attended").Id));

        ResultAssert.Status(ResultStatus.Invalid, refused);
        Assert.Equal("Registered still has 2 deals. Choose another stage of this pipeline to move them to, then delete.", refused.ErrorMessage);
        Assert.Equal("MoveDealsToStageId", refused.Errors[0].Field);
        ResultAssert.Status(ResultStatus.Invalid, wrongTarget);
        ResultAssert.Status(ResultStatus.Ok, deleted);
        Assert.Equal(["Invited", "Attended", "Won", "Lost"], deleted.Value.Stages.Select(s => s.Name));
        var moved = (await _app.SendAs(admin, new GetDealQuery(deal1.Id))).Value;
        Assert.Equal("Attended", moved.Stage.Name);
        Assert.Equal(["(deleted stage)", "Attended"], moved.StageHistory.Select(v => v.StageName));
    }

    [Fact]
    public async Task Won_lost_and_the_last_open_stage_cannot_be_deleted()
    {
        var admin = await _app.AdminAsync();
        var pipeline = (await _app.SendAs(admin, new CreatePipelineCommand("Tiny", [new("Only", 50)]))).Value;

        ResultAssert.Status(ResultStatus.Invalid, await _app.SendAs(admin, new DeletePipelineStageCommand(pipeline.Id, pipeline.Stage("Won").Id)));
        ResultAssert.Status(ResultStatus.Invalid, await _app.SendAs(admin, new DeletePipelineStageCommand(pipeline.Id, pipeline.Stage("Lost").Id)));
        var last = await _app.SendAs(admin, new DeletePipelineStageCommand(pipeline.Id, pipeline.Stage("Only").Id));
        Assert.Equal("A pipeline needs at least one open stage; add another before deleting this one.", last.ErrorMessage);
        ResultAssert.Status(ResultStatus.NotFound, await _app.SendAs(admin, new DeletePipelineStageCommand(pipeline.Id, Guid.NewGuid())));
    }
}
