using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Live;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Common;

namespace Monfri.Application.Crm.Pipelines.UpdatePipeline;

/// <summary>Renames a pipeline and sets its movement rules (Managers and Admins may still override them per move).</summary>
[RequiresPermission(Permission.ConfigureCrm)]
public sealed record UpdatePipelineCommand(Guid PipelineId, string Name, bool NoSkippingStages, bool NoMovingBackwards) : ICommand<Result<PipelineDto>>;

public sealed class UpdatePipelineValidator : AbstractValidator<UpdatePipelineCommand>
{
    public UpdatePipelineValidator() =>
        RuleFor(c => c.Name).NotEmpty().WithMessage("Give the pipeline a name.")
            .MaximumLength(100).WithMessage("A pipeline name has at most 100 characters.");
}

public sealed class UpdatePipelineHandler(IMonfriDbFactory dbFactory, ILiveFeed live) : ICommandHandler<UpdatePipelineCommand, Result<PipelineDto>>
{
    public async ValueTask<Result<PipelineDto>> Handle(UpdatePipelineCommand command, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var pipeline = await db.Pipelines.FirstOrDefaultAsync(p => p.Id == command.PipelineId, cancellationToken);
        if (pipeline is null)
        {
            return Result<PipelineDto>.NotFound("That pipeline does not exist.");
        }

        var name = command.Name.Trim();
        if (await db.Pipelines.AnyAsync(p => p.Id != pipeline.Id && p.Name.ToLower() == name.ToLower(), cancellationToken))
        {
            return Result<PipelineDto>.Invalid($"There is already a pipeline named {name}.", nameof(command.Name));
        }

        pipeline.Rename(name);
        pipeline.SetRules(command.NoSkippingStages, command.NoMovingBackwards);
        await db.SaveChangesAsync(cancellationToken);
        await live.PublishAsync(LiveTopics.Pipeline(pipeline.Id), PipelineLive.Changed, new { pipeline.Id }, cancellationToken);
        return pipeline.ToDto();
    }
}
