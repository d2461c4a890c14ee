using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Live;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Common;
using Monfri.Application.Crm.Deals;
using Monfri.Domain.Crm;

namespace Monfri.Application.Crm.Pipelines.DeletePipelineStage;

/// <summary>
/// Deletes an open stage. A stage that still holds deals is only deleted when <see cref="MoveDealsToStageId"/>
/// names another open stage of the same pipeline: its deals move there first (each move is recorded in the
/// deal's history), so no deal is ever left without a stage.
/// </summary>
[RequiresPermission(Permission.ConfigureCrm)]
public sealed record DeletePipelineStageCommand(Guid PipelineId, Guid StageId, Guid? MoveDealsToStageId = null) : ICommand<Result<PipelineDto>>;

public sealed class DeletePipelineStageHandler(IMonfriDbFactory dbFactory, ICurrentUser currentUser, TimeProvider clock, ILiveFeed live)
    : ICommandHandler<DeletePipelineStageCommand, Result<PipelineDto>>
{
    public async ValueTask<Result<PipelineDto>> Handle(DeletePipelineStageCommand command, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var pipeline = await db.Pipelines.FirstOrDefaultAsync(p => p.Id == command.PipelineId, cancellationToken);
        var stage = pipeline?.Stages.FirstOrDefault(s => s.Id == command.StageId);
        if (pipeline is null || stage is null)
        {
            return Result<PipelineDto>.NotFound("That stage does not exist.");
        }

        if (stage.Kind != StageKind.Open)
        {
            return Result<PipelineDto>.Invalid("Won and Lost are built into every pipeline and cannot be deleted.");
        }

        if (pipeline.OpenStages.Count() == 1)
        {
            return Result<PipelineDto>.Invalid("A pipeline needs at least one open stage; add another before deleting this one.");
        }

        var deals = await db.Deals.Include(d => d.Contacts).Where(d => d.StageId == stage.Id).OrderBy(d => d.Position).ToListAsync(cancellationToken);
        if (deals.Count > 0)
        {
            var target = pipeline.OpenStages.FirstOrDefault(s => s.Id == command.MoveDealsToStageId && s.Id != stage.Id);
            if (target is null)
            {
                return Result<PipelineDto>.Invalid(
                    command.MoveDealsToStageId is null
                        ? $"{stage.Name} still has {Deals(deals.Count)}. Choose another stage of this pipeline to move {(deals.Count == 1 ? "it" : "them")} to, then delete."
                        : "Deals can only be moved to another open stage of the same pipeline.",
                    nameof(command.MoveDealsToStageId));
            }

            var now = clock.GetUtcNow();
            var end = await db.Deals.Where(d => d.StageId == target.Id).MaxAsync(d => (double?)d.Position, cancellationToken) ?? 0;
            foreach (var deal in deals)
            {
                end += DealPositions.Gap;
                deal.LeaveRemovedStage(target, end, currentUser.Id, now);
            }
        }

        pipeline.RemoveStage(stage);
        await db.SaveChangesAsync(cancellationToken);
        // The boards reload on pipeline.changed; the moved deals' contacts see the move on their pages (DealLiveUpdates).
        await live.PublishAsync(LiveTopics.Pipeline(pipeline.Id), PipelineLive.Changed, new { pipeline.Id }, cancellationToken);

        return pipeline.ToDto();
    }

    private static string Deals(int count) => count == 1 ? "1 deal" : $"{count} deals";
}
