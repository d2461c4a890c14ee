using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Common;
using Monfri.Domain.Crm;

namespace Monfri.Application.Crm.Deals.CreateDeal;

/// <summary>
/// Creates a deal in an open stage: <see cref="StageId"/>, else the first stage of <see cref="PipelineId"/>,
/// else the first stage of the default pipeline. Without an owner, the creator owns it.
/// </summary>
[RequiresPermission(Permission.EditDeals)]
public sealed record CreateDealCommand : DealInput, ICommand<Result<DealDetail>>
{
    public Guid? PipelineId { get; init; }
    public Guid? StageId { get; init; }
}

public sealed class CreateDealHandler(IMonfriDbFactory dbFactory, ICurrentUser currentUser, TimeProvider clock)
    : ICommandHandler<CreateDealCommand, Result<DealDetail>>
{
    public async ValueTask<Result<DealDetail>> Handle(CreateDealCommand command, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var stage = await StageForAsync(db, command, cancellationToken);
        if (!stage.IsSuccess)
        {
            return Result<DealDetail>.From(stage);
        }

        var input = command.OwnerId is null && currentUser.Id is { } me ? command with { OwnerId = me } : command;
        var details = await DealInputResolver.ResolveAsync(db, input, cancellationToken);
        if (!details.IsSuccess)
        {
            return Result<DealDetail>.From(details);
        }

        var now = clock.GetUtcNow();
        var position = (await db.Deals.Where(d => d.StageId == stage.Value.Id).MaxAsync(d => (double?)d.Position, cancellationToken) ?? 0) + DealPositions.Gap;
        var deal = Deal.Create(details.Value, stage.Value, currentUser.Id, position, now);
        var missing = await DealInputResolver.MissingFieldsAsync(db, deal, stage.Value, cancellationToken);
        if (missing.Count > 0)
        {
            return Result<DealDetail>.Invalid([.. missing]);
        }

        db.Deals.Add(deal);
        await db.SaveChangesAsync(cancellationToken);
        return (await DealQueries.LoadAsync(db, deal.Id, now, new Crm.Common.CrmAccess(currentUser), cancellationToken))!;
    }

    private static async Task<Result<PipelineStage>> StageForAsync(IMonfriDb db, CreateDealCommand command, CancellationToken cancellationToken)
    {
        if (command.StageId is { } stageId)
        {
            var stage = await db.PipelineStages.AsNoTracking().FirstOrDefaultAsync(s => s.Id == stageId, cancellationToken);
            if (stage is null)
            {
                return Result<PipelineStage>.Invalid("That stage does not exist.", nameof(command.StageId));
            }

            if (command.PipelineId is { } pipelineId && stage.PipelineId != pipelineId)
            {
                return Result<PipelineStage>.Invalid("That stage is not in the chosen pipeline.", nameof(command.StageId));
            }

            return stage.Kind == StageKind.Open
                ? stage
                : Result<PipelineStage>.Invalid("A new deal starts in an open stage; mark it won or lost afterwards.", nameof(command.StageId));
        }

        var pipeline = command.PipelineId is { } id
            ? await db.Pipelines.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, cancellationToken)
            : await db.Pipelines.AsNoTracking().OrderByDescending(p => p.IsDefault).ThenBy(p => p.Order).FirstOrDefaultAsync(cancellationToken);
        if (pipeline is null)
        {
            return Result<PipelineStage>.Invalid(
                command.PipelineId is null ? "There is no pipeline yet; an admin or manager creates one in Settings → Pipelines." : "That pipeline does not exist.",
                nameof(command.PipelineId));
        }

        return pipeline.OpenStages.First();
    }
}

public sealed class CreateDealValidator : FluentValidation.AbstractValidator<CreateDealCommand>
{
    public CreateDealValidator() => Include(new DealInputValidator());
}
