using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Common;
using Monfri.Domain.Crm;

namespace Monfri.Application.Crm.Pipelines.CreatePipeline;

/// <summary>Creates a pipeline from its open stages; Won and Lost are added to every pipeline.</summary>
[RequiresPermission(Permission.ConfigureCrm)]
public sealed record CreatePipelineCommand(string Name, IReadOnlyList<StageInput> Stages) : ICommand<Result<PipelineDto>>;

public sealed class CreatePipelineHandler(IMonfriDbFactory dbFactory, TimeProvider clock) : ICommandHandler<CreatePipelineCommand, Result<PipelineDto>>
{
    public async ValueTask<Result<PipelineDto>> Handle(CreatePipelineCommand command, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var name = command.Name.Trim();
        if (await db.Pipelines.AnyAsync(p => p.Name.ToLower() == name.ToLower(), cancellationToken))
        {
            return Result<PipelineDto>.Invalid($"There is already a pipeline named {name}.", nameof(command.Name));
        }

        var errors = new List<ResultError>();
        for (var i = 0; i < command.Stages.Count; i++)
        {
            errors.AddRange(await PipelineRules.CheckRequiredFieldsAsync(db, command.Stages[i].RequiredFields, $"Stages[{i}].RequiredFields", cancellationToken));
        }

        if (errors.Count > 0)
        {
            return Result<PipelineDto>.Invalid([.. errors]);
        }

        var now = clock.GetUtcNow();
        var order = await db.Pipelines.Select(p => (int?)p.Order).MaxAsync(cancellationToken) is { } last ? last + 1 : 0;
        var isFirst = !await db.Pipelines.AnyAsync(cancellationToken);
        var pipeline = Pipeline.Create(name, command.Stages.Select(s => (s.Name, s.Probability, s.RottingDays)), now, order, isDefault: isFirst);
        foreach (var (stage, input) in pipeline.OpenStages.Zip(command.Stages))
        {
            stage.Update(input.Name, stage.Order, input.Probability, input.RottingDays, input.RequiredFields ?? []);
        }

        db.Pipelines.Add(pipeline);
        await db.SaveChangesAsync(cancellationToken);
        return pipeline.ToDto();
    }
}
