using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Live;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Common;

namespace Monfri.Application.Crm.Pipelines.AddPipelineStage;

/// <summary>Adds an open stage at the end of the open stages (before Won and Lost).</summary>
[RequiresPermission(Permission.ConfigureCrm)]
public sealed record AddPipelineStageCommand(Guid PipelineId, string Name, int Probability, int? RottingDays = null, IReadOnlyList<string>? RequiredFields = null)
    : ICommand<Result<PipelineDto>>;

public sealed class AddPipelineStageValidator : AbstractValidator<AddPipelineStageCommand>
{
    public AddPipelineStageValidator()
    {
        RuleFor(c => c.Name).ValidStageName();
        RuleFor(c => c.Probability).ValidProbability();
        RuleFor(c => c.RottingDays).ValidRottingDays();
    }
}

public sealed class AddPipelineStageHandler(IMonfriDbFactory dbFactory, TimeProvider clock, ILiveFeed live) : ICommandHandler<AddPipelineStageCommand, Result<PipelineDto>>
{
    public async ValueTask<Result<PipelineDto>> Handle(AddPipelineStageCommand command, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var pipeline = await db.Pipelines.FirstOrDefaultAsync(p => p.Id == command.PipelineId, cancellationToken);
        if (pipeline is null)
        {
            return Result<PipelineDto>.NotFound("That pipeline does not exist.");
        }

        if (pipeline.OpenStages.Count() >= 30)
        {
            return Result<PipelineDto>.Invalid("A pipeline has at most 30 open stages.");
        }

        var errors = await PipelineRules.CheckRequiredFieldsAsync(db, command.RequiredFields, nameof(command.RequiredFields), cancellationToken);
        if (errors.Count > 0)
        {
            return Result<PipelineDto>.Invalid([.. errors]);
        }

        var stage = pipeline.AddStage(command.Name, command.Probability, command.RottingDays, command.RequiredFields ?? [], clock.GetUtcNow());
        // The new stage is reached through the tracked pipeline's collection; mark it new explicitly because its key is set client-side.
        db.PipelineStages.Add(stage);
        await db.SaveChangesAsync(cancellationToken);
        await live.PublishAsync(LiveTopics.Pipeline(pipeline.Id), PipelineLive.Changed, new { pipeline.Id }, cancellationToken);
        return pipeline.ToDto();
    }
}
