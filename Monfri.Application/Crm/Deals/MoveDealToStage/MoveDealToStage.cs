using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Domain.Common;
using Monfri.Domain.Crm;

namespace Monfri.Application.Crm.Deals.MoveDealToStage;

/// <summary>
/// Moves a deal to another stage of its pipeline (Won and Lost included). The sender states what they saw —
/// <see cref="ExpectedStageId"/> and <see cref="Version"/> — so of two people dragging the same card at once,
/// exactly one wins and the other is told the deal changed. The pipeline's rules apply unless a Manager or
/// Admin sets <see cref="Override"/>; the target stage's required fields must be filled; Lost needs a reason.
/// </summary>
[RequiresPermission(Permission.EditDeals)]
public sealed record MoveDealToStageCommand(
    Guid DealId,
    Guid StageId,
    Guid ExpectedStageId,
    uint Version,
    double? Position = null,
    string? LostReason = null,
    bool Override = false) : ICommand<Result<DealSnapshot>>;

public sealed class MoveDealToStageValidator : AbstractValidator<MoveDealToStageCommand>
{
    public MoveDealToStageValidator()
    {
        RuleFor(c => c.LostReason).MaximumLength(500).WithMessage("A lost reason has at most 500 characters.");
        RuleFor(c => c.Position).Must(p => p is null || double.IsFinite(p.Value)).WithMessage("The position must be a number.");
    }
}

public sealed class MoveDealToStageHandler(IMonfriDbFactory dbFactory, CrmAccess access, ICurrentUser currentUser, TimeProvider clock)
    : ICommandHandler<MoveDealToStageCommand, Result<DealSnapshot>>
{
    public const string Changed = "This deal was moved or changed by someone else since you opened it. Reload to see where it is now.";

    public async ValueTask<Result<DealSnapshot>> Handle(MoveDealToStageCommand command, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var deal = await db.Deals.Include(d => d.Contacts).FirstOrDefaultAsync(d => d.Id == command.DealId, cancellationToken);
        if (deal is null || !await access.CanSeeAsync(db, deal.OwnerId, cancellationToken))
        {
            return Result<DealSnapshot>.NotFound("That deal does not exist.");
        }

        if (deal.StageId != command.ExpectedStageId || deal.Version != command.Version)
        {
            return Result<DealSnapshot>.Conflict(Changed);
        }

        var pipeline = await db.Pipelines.AsNoTracking().FirstAsync(p => p.Id == deal.PipelineId, cancellationToken);
        var target = pipeline.Stages.FirstOrDefault(s => s.Id == command.StageId);
        if (target is null)
        {
            return Result<DealSnapshot>.Invalid(
                await db.PipelineStages.AnyAsync(s => s.Id == command.StageId, cancellationToken)
                    ? $"That stage is not in {pipeline.Name}, this deal's pipeline."
                    : "That stage does not exist.",
                nameof(command.StageId));
        }

        var current = pipeline.Stages.Single(s => s.Id == deal.StageId);
        if (pipeline.RuleViolation(current, target) is { } violation)
        {
            var mayOverride = currentUser.Can(Permission.OverrideStageRules);
            if (!command.Override)
            {
                return Result<DealSnapshot>.Invalid(violation + (mayOverride ? " As a manager you may override this rule." : ""), nameof(command.StageId));
            }

            if (!mayOverride)
            {
                return Result<DealSnapshot>.Forbidden(violation + " Only a Manager or Admin can override the pipeline's rules.");
            }
        }

        if (target.Kind == StageKind.Lost && string.IsNullOrWhiteSpace(command.LostReason))
        {
            return Result<DealSnapshot>.Invalid("Say why the deal was lost.", nameof(command.LostReason));
        }

        if (target.Id != current.Id)
        {
            var missing = await DealInputResolver.MissingFieldsAsync(db, deal, target, cancellationToken);
            if (missing.Count > 0)
            {
                return Result<DealSnapshot>.Invalid([.. missing]);
            }
        }

        var position = command.Position
            ?? (target.Id == current.Id
                ? deal.Position
                : (await db.Deals.Where(d => d.StageId == target.Id).MaxAsync(d => (double?)d.Position, cancellationToken) ?? 0) + DealPositions.Gap);
        deal.MoveToStage(target, position, currentUser.Id, clock.GetUtcNow(), command.LostReason);
        try
        {
            // The version check in the UPDATE makes the second of two simultaneous moves fail here, and with
            // it the history row it would have added: one move, one history entry.
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Result<DealSnapshot>.Conflict(Changed);
        }

        return DealSnapshot.Of(deal);
    }
}
