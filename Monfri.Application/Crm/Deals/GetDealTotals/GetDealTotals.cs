using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Application.Crm.Deals.ListDeals;
using Monfri.Domain.Common;

namespace Monfri.Application.Crm.Deals.GetDealTotals;

/// <summary>
/// Totals over every deal the deals list's filter matches, not just the page shown: managers read the list as a
/// report. Counted with the list's own filter and visibility rule (reps limited to their own records total only those).
/// </summary>
[RequiresPermission(Permission.ViewDeals)]
public sealed record GetDealTotalsQuery(DealFilter Filter) : IQuery<Result<DealTotals>>;

/// <summary>How many deals match, and their amounts per currency (amounts in different currencies are never added up).</summary>
public sealed record DealTotals(int Count, IReadOnlyList<DealCurrencyTotal> ByCurrency);

/// <summary>The matching deals in one currency: how many, their amounts, and their amounts weighted by their stage's probability.</summary>
public sealed record DealCurrencyTotal(string Currency, int Count, decimal Amount, decimal Weighted);

public sealed class GetDealTotalsHandler(IMonfriDbFactory dbFactory, CrmAccess access) : IQueryHandler<GetDealTotalsQuery, Result<DealTotals>>
{
    public async ValueTask<Result<DealTotals>> Handle(GetDealTotalsQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var filtered = await DealListQueries.FilterAsync(db, access, query.Filter, cancellationToken);
        if (!filtered.IsSuccess)
        {
            return Result<DealTotals>.From(filtered);
        }

        // One grouped query in the database, weighted the way the list's "Weighted" column is.
        var byCurrency = await (
                from d in filtered.Value
                join s in db.PipelineStages on d.StageId equals s.Id
                group new { Amount = d.Amount ?? 0m, s.Probability } by d.Currency into g
                orderby g.Key
                select new DealCurrencyTotal(g.Key, g.Count(), g.Sum(x => x.Amount), g.Sum(x => x.Amount * x.Probability / 100m)))
            .ToListAsync(cancellationToken);
        return new DealTotals(byCurrency.Sum(c => c.Count), byCurrency);
    }
}
