using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Deals.MoveDealToStage;
using Monfri.Domain.Common;

namespace Monfri.Application.Crm.Deals.MarkDealWon;

/// <summary>Closes a deal as won: a move to its pipeline's Won stage, with the same checks as any move.</summary>
[RequiresPermission(Permission.EditDeals)]
public sealed record MarkDealWonCommand(Guid DealId, uint Version) : ICommand<Result<DealSnapshot>>;

public sealed class MarkDealWonHandler(IMonfriDbFactory dbFactory, IMediator mediator) : ICommandHandler<MarkDealWonCommand, Result<DealSnapshot>>
{
    public async ValueTask<Result<DealSnapshot>> Handle(MarkDealWonCommand command, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var deal = await db.Deals.AsNoTracking().Where(d => d.Id == command.DealId).Select(d => new { d.PipelineId, d.StageId }).FirstOrDefaultAsync(cancellationToken);
        if (deal is null)
        {
            return Result<DealSnapshot>.NotFound("That deal does not exist.");
        }

        var won = await db.PipelineStages.AsNoTracking()
            .Where(s => s.PipelineId == deal.PipelineId && s.Kind == Domain.Crm.StageKind.Won).Select(s => s.Id).FirstAsync(cancellationToken);
        // Visibility, version and required fields are checked by the move itself.
        return await mediator.Send(new MoveDealToStageCommand(command.DealId, won, deal.StageId, command.Version), cancellationToken);
    }
}
