using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Live;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Common;

namespace Monfri.Application.Crm.Pipelines.ReorderPipelineStages;

/// <summary>Puts the open stages of a pipeline in a new order; Won and Lost stay last.</summary>
[RequiresPermission(Permission.ConfigureCrm)]
public sealed record ReorderPipelineStagesCommand(Guid PipelineId, IReadOnlyList<Guid> OpenStageIds) : ICommand<Result<PipelineDto>>;

public sealed class ReorderPipelineStagesHandler(IMonfriDbFactory dbFactory, ILiveFeed live) : ICommandHandler<ReorderPipelineStagesCommand, Result<PipelineDto>>
{
    public async ValueTask<Result<PipelineDto>> Handle(ReorderPipelineStagesCommand command, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var pipeline = await db.Pipelines.FirstOrDefaultAsync(p => p.Id == command.PipelineId, cancellationToken);
        if (pipeline is null)
        {
            return Result<PipelineDto>.NotFound("That pipeline does not exist.");
        }

        var open = pipeline.OpenStages.Select(s => s.Id).ToHashSet();
        if (command.OpenStageIds.Count != open.Count || !open.SetEquals(command.OpenStageIds))
        {
            return Result<PipelineDto>.Invalid("List every open stage of the pipeline exactly once (Won and Lost always come last).", nameof(command.OpenStageIds));
        }

        pipeline.ReorderStages(command.OpenStageIds);
        await db.SaveChangesAsync(cancellationToken);
        await live.PublishAsync(LiveTopics.Pipeline(pipeline.Id), PipelineLive.Changed, new { pipeline.Id }, cancellationToken);
        return pipeline.ToDto();
    }
}
