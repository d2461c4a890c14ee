using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Domain.Common;

namespace Monfri.Application.Crm.Deals.GetDeal;

/// <summary>One deal with its pipeline, stage, company, contacts, owner and stage history; hidden deals are not found.</summary>
[RequiresPermission(Permission.ViewDeals)]
public sealed record GetDealQuery(Guid DealId) : IQuery<Result<DealDetail>>;

public sealed class GetDealHandler(IMonfriDbFactory dbFactory, CrmAccess access, TimeProvider clock) : IQueryHandler<GetDealQuery, Result<DealDetail>>
{
    public async ValueTask<Result<DealDetail>> Handle(GetDealQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var owner = await db.Deals.AsNoTracking().Where(d => d.Id == query.DealId).Select(d => new { d.OwnerId }).FirstOrDefaultAsync(cancellationToken);
        if (owner is null || !await access.CanSeeAsync(db, owner.OwnerId, cancellationToken))
        {
            return Result<DealDetail>.NotFound("That deal does not exist.");
        }

        var deal = await DealQueries.LoadAsync(db, query.DealId, clock.GetUtcNow(), access, cancellationToken);
        return deal is null ? Result<DealDetail>.NotFound("That deal does not exist.") : deal;
    }
}
