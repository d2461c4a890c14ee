using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Live;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Common;
using Monfri.Domain.Crm;

namespace Monfri.Application.Crm.Pipelines.UpdatePipelineStage;

/// <summary>Renames an open stage and sets its win probability, rotting days and required fields.</summary>
[RequiresPermission(Permission.ConfigureCrm)]
public sealed record UpdatePipelineStageCommand(Guid PipelineId, Guid StageId, string Name, int Probability, int? RottingDays, IReadOnlyList<string> RequiredFields)
    : ICommand<Result<PipelineDto>>;

public sealed class UpdatePipelineStageValidator : AbstractValidator<UpdatePipelineStageCommand>
{
    public UpdatePipelineStageValidator()
    {
        RuleFor(c => c.Name).ValidStageName();
        RuleFor(c => c.Probability).ValidProbability();
        RuleFor(c => c.RottingDays).ValidRottingDays();
    }
}

public sealed class UpdatePipelineStageHandler(IMonfriDbFactory dbFactory, ILiveFeed live) : ICommandHandler<UpdatePipelineStageCommand, Result<PipelineDto>>
{
    public async ValueTask<Result<PipelineDto>> Handle(UpdatePipelineStageCommand command, CancellationToken cancellationToken)
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
            return Result<PipelineDto>.Invalid("Won and Lost are built into every pipeline and cannot be changed.");
        }

        var errors = await PipelineRules.CheckRequiredFieldsAsync(db, command.RequiredFields, nameof(command.RequiredFields), cancellationToken);
        if (errors.Count > 0)
        {
            return Result<PipelineDto>.Invalid([.. errors]);
        }

        stage.Update(command.Name, stage.Order, command.Probability, command.RottingDays, command.RequiredFields);
        await db.SaveChangesAsync(cancellationToken);
        await live.PublishAsync(LiveTopics.Pipeline(pipeline.Id), PipelineLive.Changed, new { pipeline.Id }, cancellationToken);
        return pipeline.ToDto();
    }
}
