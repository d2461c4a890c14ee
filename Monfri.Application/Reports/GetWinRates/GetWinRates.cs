using System.Text.Json.Serialization;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Domain.Crm;

namespace Monfri.Application.Reports.GetWinRates;

/// <summary>What deals are grouped by in the win-rate report.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<WinRateDimension>))]
public enum WinRateDimension
{
    Owner,
    Pipeline,

    /// <summary>The lead source of the deal's first contact (the one created first) that has one.</summary>
    LeadSource,

    /// <summary>The earliest first touch (source / medium) among the deal's contacts: the channel that brought the deal in.</summary>
    FirstTouchChannel,
}

/// <summary>
/// Win rate and sales-cycle length of the deals closed (won or lost) in the filter's range, grouped by
/// <see cref="Dimension"/>. Win rate is won ÷ closed; the sales cycle is the days from a won deal's creation to its win.
/// </summary>
[RequiresPermission(Permission.ViewReports)]
public sealed record GetWinRatesQuery(ReportFilter Filter, WinRateDimension Dimension = WinRateDimension.Owner) : IQuery<Result<WinRates>>;

public sealed record WinRates(WinRateDimension Dimension, WinRateGroup Total, IReadOnlyList<WinRateGroup> Groups)
{
    public bool IsEmpty => Total.Closed == 0;
}

/// <param name="WinRate">Won ÷ (won + lost), or null when nothing closed.</param>
/// <param name="MeanCycleDays">Mean days from creation to win over the won deals, or null when none was won.</param>
public sealed record WinRateGroup(string Key, string Label, int Won, int Lost, double? WinRate, double? MeanCycleDays, double? MedianCycleDays, IReadOnlyList<CurrencyAmount> WonAmount)
{
    public int Closed => Won + Lost;
}

public sealed class GetWinRatesValidator : AbstractValidator<GetWinRatesQuery>
{
    public GetWinRatesValidator()
    {
        RuleFor(q => q.Filter).NotNull().SetValidator(new ReportFilterValidator());
        RuleFor(q => q.Dimension).IsInEnum().WithMessage("Group by owner, pipeline, leadSource or firstTouchChannel.");
    }
}

public sealed class GetWinRatesHandler(IMonfriDbFactory dbFactory, CrmAccess access) : IQueryHandler<GetWinRatesQuery, Result<WinRates>>
{
    public const string NoLeadSource = "(no lead source)";
    public const string NoTouch = "(no touch recorded)";

    public async ValueTask<Result<WinRates>> Handle(GetWinRatesQuery query, CancellationToken cancellationToken)
    {
        var (start, end) = (query.Filter.Start, query.Filter.End);
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var closed = (await ReportDeals.VisibleAsync(db, access, query.Filter, cancellationToken))
            .Where(d => d.Status != DealStatus.Open && d.ClosedAt >= start && d.ClosedAt < end);
        var deals = await closed.Select(d => new ClosedDeal(d.Id, d.Status == DealStatus.Won, d.OwnerId, d.PipelineId, d.CreatedAt, d.ClosedAt!.Value, d.Amount ?? 0m, d.Currency))
            .ToListAsync(cancellationToken);

        var keys = query.Dimension switch
        {
            WinRateDimension.Owner => await ByOwnerAsync(db, deals, cancellationToken),
            WinRateDimension.Pipeline => await ByPipelineAsync(db, deals, cancellationToken),
            _ => await ByContactAsync(db, closed, query.Dimension, cancellationToken),
        };

        var groups = deals.GroupBy(d => keys.GetValueOrDefault(d.Id, ("", "")))
            .Select(g => Group(g.Key.Item1, g.Key.Item2, g.ToList()))
            .OrderByDescending(g => g.Closed).ThenBy(g => g.Label, StringComparer.CurrentCultureIgnoreCase)
            .ToList();
        return new WinRates(query.Dimension, Group("", "All", deals), groups);
    }

    private static WinRateGroup Group(string key, string label, IReadOnlyList<ClosedDeal> deals)
    {
        var won = deals.Where(d => d.Won).ToList();
        var cycles = won.Select(d => (d.ClosedAt - d.CreatedAt).TotalDays).ToList();
        return new WinRateGroup(key, label, won.Count, deals.Count - won.Count, Stats.Rate(won.Count, deals.Count), Stats.Mean(cycles), Stats.Median(cycles),
            won.GroupBy(d => d.Currency).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new CurrencyAmount(g.Key, g.Sum(d => d.Amount))).ToList());
    }

    private static async Task<Dictionary<Guid, (string, string)>> ByOwnerAsync(IMonfriDb db, List<ClosedDeal> deals, CancellationToken cancellationToken)
    {
        var names = await ReportDeals.OwnerNamesAsync(db, deals.Select(d => d.OwnerId), cancellationToken);
        return deals.ToDictionary(d => d.Id, d => (d.OwnerId?.ToString() ?? "", ReportDeals.OwnerName(names, d.OwnerId)));
    }

    private static async Task<Dictionary<Guid, (string, string)>> ByPipelineAsync(IMonfriDb db, List<ClosedDeal> deals, CancellationToken cancellationToken)
    {
        var names = await db.Pipelines.AsNoTracking().ToDictionaryAsync(p => p.Id, p => p.Name, cancellationToken);
        return deals.ToDictionary(d => d.Id, d => (d.PipelineId.ToString(), names.GetValueOrDefault(d.PipelineId, "(deleted pipeline)")));
    }

    /// <summary>A deal's lead source or first-touch channel, read from its contacts (a deal with none has neither).</summary>
    private static async Task<Dictionary<Guid, (string, string)>> ByContactAsync(IMonfriDb db, IQueryable<Deal> closed, WinRateDimension dimension, CancellationToken cancellationToken)
    {
        var contacts = await (
                from d in closed
                join dc in db.DealContacts on d.Id equals dc.DealId
                join p in db.People on dc.PersonId equals p.Id
                join s in db.ProfileStats on p.Id equals s.PersonId into stats
                from s in stats.DefaultIfEmpty()
                select new
                {
                    DealId = d.Id, p.CreatedAt, p.LeadSource,
                    FirstTouchAt = s == null ? null : s.FirstTouchAt,
                    Source = s == null ? null : s.FirstTouchSource,
                    Medium = s == null ? null : s.FirstTouchMedium,
                })
            .ToListAsync(cancellationToken);

        var result = new Dictionary<Guid, (string, string)>();
        foreach (var deal in contacts.GroupBy(c => c.DealId))
        {
            string? label = dimension == WinRateDimension.LeadSource
                ? deal.Where(c => !string.IsNullOrWhiteSpace(c.LeadSource)).OrderBy(c => c.CreatedAt).Select(c => c.LeadSource!.Trim()).FirstOrDefault()
                : deal.Where(c => c.FirstTouchAt != null && c.Source != null).OrderBy(c => c.FirstTouchAt).Select(c => $"{c.Source} / {c.Medium}").FirstOrDefault();
            if (label is not null)
            {
                result[deal.Key] = (label, label);
            }
        }

        // Deals without a contact, or whose contacts have none, fall in one group that says so.
        var none = dimension == WinRateDimension.LeadSource ? NoLeadSource : NoTouch;
        foreach (var id in await closed.Select(d => d.Id).ToListAsync(cancellationToken))
        {
            result.TryAdd(id, ("", none));
        }

        return result;
    }

    private sealed record ClosedDeal(Guid Id, bool Won, Guid? OwnerId, Guid PipelineId, DateTimeOffset CreatedAt, DateTimeOffset ClosedAt, decimal Amount, string Currency);
}
