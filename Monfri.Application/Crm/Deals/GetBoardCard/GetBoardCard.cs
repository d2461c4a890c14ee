using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Domain.Common;
using Monfri.Domain.Crm;

namespace Monfri.Application.Crm.Deals.GetBoardCard;

/// <summary>
/// One deal as a board card, for applying a live change or showing where a contested card really is.
/// Not found when the deal is deleted, hidden from the viewer, or no longer open (it left the board).
/// </summary>
[RequiresPermission(Permission.ViewDeals)]
public sealed record GetBoardCardQuery(Guid DealId) : IQuery<Result<BoardCard>>;

public sealed class GetBoardCardHandler(IMonfriDbFactory dbFactory, CrmAccess access) : IQueryHandler<GetBoardCardQuery, Result<BoardCard>>
{
    public async ValueTask<Result<BoardCard>> Handle(GetBoardCardQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var deals = await access.VisibleAsync(db, db.Deals.AsNoTracking().Where(d => d.Id == query.DealId && d.Status == DealStatus.Open), cancellationToken);
        var card = await BoardQueries.Cards(db, deals).FirstOrDefaultAsync(cancellationToken);
        return card is null ? Result<BoardCard>.NotFound("That deal is no longer on the board.") : card;
    }
}
