using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Deals.MoveDealToStage;
using Monfri.Domain.Common;

namespace Monfri.Application.Crm.Deals.MarkDealLost;

/// <summary>Closes a deal as lost, with the reason: a move to its pipeline's Lost stage.</summary>
[RequiresPermission(Permission.EditDeals)]
public sealed record MarkDealLostCommand(Guid DealId, uint Version, string Reason) : ICommand<Result<DealSnapshot>>;

public sealed class MarkDealLostValidator : AbstractValidator<MarkDealLostCommand>
{
    public MarkDealLostValidator() =>
        RuleFor(c => c.Reason).Must(r => !string.IsNullOrWhiteSpace(r)).WithMessage("Say why the deal was lost.")
            .MaximumLength(500).WithMessage("A lost reason has at most 500 characters.");
}

public sealed class MarkDealLostHandler(IMonfriDbFactory dbFactory, IMediator mediator) : ICommandHandler<MarkDealLostCommand, Result<DealSnapshot>>
{
    public async ValueTask<Result<DealSnapshot>> Handle(MarkDealLostCommand command, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var deal = await db.Deals.AsNoTracking().Where(d => d.Id == command.DealId).Select(d => new { d.PipelineId, d.StageId }).FirstOrDefaultAsync(cancellationToken);
        if (deal is null)
        {
            return Result<DealSnapshot>.NotFound("That deal does not exist.");
        }

        var lost = await db.PipelineStages.AsNoTracking()
            .Where(s => s.PipelineId == deal.PipelineId && s.Kind == Domain.Crm.StageKind.Lost).Select(s => s.Id).FirstAsync(cancellationToken);
        return await mediator.Send(new MoveDealToStageCommand(command.DealId, lost, deal.StageId, command.Version, LostReason: command.Reason), cancellationToken);
    }
}
