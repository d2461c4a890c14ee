using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Domain.Crm;

namespace Monfri.Application.Reports.GetForecast;

/// <summary>
/// The weighted pipeline by expected close month: open deals whose close date falls in the filter's range, per month
/// and currency. Open deals without a close date cannot be placed in a month; they are counted apart.
/// </summary>
[RequiresPermission(Permission.ViewReports)]
public sealed record GetForecastQuery(ReportFilter Filter) : IQuery<Result<Forecast>>;

/// <summary>Every month of the range in order (months with no deals have no amounts), and the open deals with no close date.</summary>
public sealed record Forecast(IReadOnlyList<ForecastMonth> Months, int UndatedCount)
{
    public bool IsEmpty => Months.All(m => m.Count == 0);
}

/// <param name="Month">The first day of the month.</param>
public sealed record ForecastMonth(DateOnly Month, int Count, IReadOnlyList<ForecastMoney> ByCurrency);

public sealed record ForecastMoney(string Currency, int Count, decimal Amount, decimal Weighted);

public sealed class GetForecastValidator : AbstractValidator<GetForecastQuery>
{
    public GetForecastValidator() => RuleFor(q => q.Filter).NotNull().SetValidator(new ReportFilterValidator());
}

public sealed class GetForecastHandler(IMonfriDbFactory dbFactory, CrmAccess access) : IQueryHandler<GetForecastQuery, Result<Forecast>>
{
    public async ValueTask<Result<Forecast>> Handle(GetForecastQuery query, CancellationToken cancellationToken)
    {
        var (first, last) = (query.Filter.From, query.Filter.To);
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var open = (await ReportDeals.VisibleAsync(db, access, query.Filter, cancellationToken)).Where(d => d.Status == DealStatus.Open);
        var rows = await (
                from d in open
                where d.CloseDate >= first && d.CloseDate <= last
                join s in db.PipelineStages on d.StageId equals s.Id
                group new { Amount = d.Amount ?? 0m, s.Probability } by new { d.CloseDate!.Value.Year, d.CloseDate!.Value.Month, d.Currency } into g
                select new { g.Key.Year, g.Key.Month, g.Key.Currency, Count = g.Count(), Amount = g.Sum(x => x.Amount), Weighted = g.Sum(x => x.Amount * x.Probability / 100m) })
            .ToListAsync(cancellationToken);
        var undated = await open.CountAsync(d => d.CloseDate == null, cancellationToken);

        var months = new List<ForecastMonth>();
        for (var month = new DateOnly(first.Year, first.Month, 1); month <= last; month = month.AddMonths(1))
        {
            var inMonth = rows.Where(r => r.Year == month.Year && r.Month == month.Month).OrderBy(r => r.Currency, StringComparer.Ordinal).ToList();
            months.Add(new ForecastMonth(month, inMonth.Sum(r => r.Count), inMonth.Select(r => new ForecastMoney(r.Currency, r.Count, r.Amount, r.Weighted)).ToList()));
        }

        return new Forecast(months, undated);
    }
}
