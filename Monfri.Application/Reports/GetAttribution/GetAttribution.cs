using System.Text.Json.Serialization;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Cdp.Traits;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Domain.Crm;

namespace Monfri.Application.Reports.GetAttribution;

[JsonConverter(typeof(JsonStringEnumConverter<AttributionConversion>))]
public enum AttributionConversion
{
    /// <summary>A person's first <c>Signed Up</c> event.</summary>
    SignUp,

    /// <summary>A deal won, with its amount as revenue; the touches are those of all its contacts.</summary>
    DealWon,
}

/// <summary>
/// Conversions in the filter's range credited to the channels (source / medium / campaign) that touched the people
/// before them, within <see cref="LookbackDays"/>, under the four models of <see cref="AttributionModels"/> side by
/// side. Won deals carry their revenue, credited by the same shares, per currency. The filter's pipeline and owner
/// narrow the won deals; sign-ups have neither.
/// </summary>
[RequiresPermission(Permission.ViewMarketingReports)]
public sealed record GetAttributionQuery(ReportFilter Filter, AttributionConversion Conversion = AttributionConversion.SignUp, int LookbackDays = 30)
    : IQuery<Result<Attribution>>
{
    public const string SignUpEvent = "Signed Up";
    public const int MaxLookbackDays = 365;
}

/// <param name="Conversions">How many conversions (sign-ups, or won deals) in the range.</param>
/// <param name="WithoutTouch">Conversions with no touch in the lookback window (in the row marked <see cref="AttributionRow.NoTouch"/>).</param>
public sealed record Attribution(AttributionConversion Conversion, int LookbackDays, int Conversions, int WithoutTouch, IReadOnlyList<AttributionRow> Rows)
{
    public bool IsEmpty => Conversions == 0;
}

/// <summary>
/// One channel's credit (conversions, under each model) and, for won deals, its credited revenue in one
/// <see cref="Currency"/> (a channel with revenue in two currencies has two rows).
/// </summary>
public sealed record AttributionRow(
    string Source, string Medium, string? Campaign, string Channel, bool NoTouch, string? Currency,
    double FirstTouch, double LastTouch, double Linear, double PositionBased,
    decimal? FirstTouchRevenue, decimal? LastTouchRevenue, decimal? LinearRevenue, decimal? PositionBasedRevenue)
{
    public string Label => NoTouch ? "(no touch in the lookback window)" : Campaign is null ? $"{Source} / {Medium}" : $"{Source} / {Medium} · {Campaign}";
}

public sealed class GetAttributionValidator : AbstractValidator<GetAttributionQuery>
{
    public GetAttributionValidator()
    {
        RuleFor(q => q.Filter).NotNull().SetValidator(new ReportFilterValidator());
        RuleFor(q => q.Conversion).IsInEnum().WithMessage("Attribute signUp or dealWon conversions.");
        RuleFor(q => q.LookbackDays).InclusiveBetween(1, GetAttributionQuery.MaxLookbackDays)
            .WithMessage($"The lookback window is 1 to {GetAttributionQuery.MaxLookbackDays} days.");
    }
}

public sealed class GetAttributionHandler(IMonfriDbFactory dbFactory, CrmAccess access, IAttributionStore store) : IQueryHandler<GetAttributionQuery, Result<Attribution>>
{
    public async ValueTask<Result<Attribution>> Handle(GetAttributionQuery query, CancellationToken cancellationToken)
    {
        var (start, end) = (query.Filter.Start, query.Filter.End);
        var lookback = TimeSpan.FromDays(query.LookbackDays);

        // Each conversion: the people whose touches count, when, and the revenue it brings (none for a sign-up).
        List<(IReadOnlyList<ConversionPoint> People, string? Currency, decimal Revenue)> conversions;
        if (query.Conversion == AttributionConversion.SignUp)
        {
            var signUps = await store.FirstEventsAsync(GetAttributionQuery.SignUpEvent, start, end, cancellationToken);
            conversions = signUps.Select(s => ((IReadOnlyList<ConversionPoint>)[s], (string?)null, 0m)).ToList();
        }
        else
        {
            await using var db = await dbFactory.CreateAsync(cancellationToken);
            var won = (await ReportDeals.VisibleAsync(db, access, query.Filter, cancellationToken))
                .Where(d => d.Status == DealStatus.Won && d.ClosedAt >= start && d.ClosedAt < end);
            var deals = await won.Select(d => new { d.Id, ClosedAt = d.ClosedAt!.Value, Amount = d.Amount ?? 0m, d.Currency }).ToListAsync(cancellationToken);
            var contacts = (await won.Join(db.DealContacts, d => d.Id, dc => dc.DealId, (d, dc) => new { dc.DealId, dc.PersonId }).ToListAsync(cancellationToken))
                .ToLookup(c => c.DealId, c => c.PersonId);
            conversions = deals.OrderBy(d => d.ClosedAt).ThenBy(d => d.Id)
                .Select(d => ((IReadOnlyList<ConversionPoint>)contacts[d.Id].Distinct().Select(p => new ConversionPoint(p, d.ClosedAt)).ToList(), (string?)d.Currency, d.Amount))
                .ToList();
        }

        var points = conversions.SelectMany(c => c.People).ToList();
        var touches = points.Count == 0 ? [] : await store.TouchesBeforeAsync(points, lookback, cancellationToken);

        var rows = new Dictionary<(string Source, string Medium, string? Campaign, bool NoTouch, string? Currency), Sums>();
        var next = 0;
        var withoutTouch = 0;
        foreach (var (people, currency, revenue) in conversions)
        {
            // All the conversion's people's touches in one sequence: a deal's contacts together make its journey.
            var sequence = people.SelectMany((_, i) => touches[next + i]).OrderBy(t => t.At).ToList();
            next += people.Count;
            if (sequence.Count == 0)
            {
                withoutTouch++;
                Add(rows, ("", "", null, true, currency), new AttributionModels.Credit(1, 1, 1, 1), revenue);
                continue;
            }

            var credits = AttributionModels.Share(sequence.Count);
            for (var i = 0; i < sequence.Count; i++)
            {
                var touch = sequence[i].Touch;
                Add(rows, (touch.Source, touch.Medium, touch.Campaign, false, currency), credits[i], revenue);
            }
        }

        var withRevenue = query.Conversion == AttributionConversion.DealWon;
        var result = rows
            .Select(r => new AttributionRow(
                r.Key.Source, r.Key.Medium, r.Key.Campaign, r.Key.NoTouch ? "" : TouchChannel.Of(r.Key.Source, r.Key.Medium), r.Key.NoTouch, r.Key.Currency,
                r.Value.First, r.Value.Last, r.Value.Linear, r.Value.Position,
                Money(withRevenue, r.Value.FirstRevenue), Money(withRevenue, r.Value.LastRevenue),
                Money(withRevenue, r.Value.LinearRevenue), Money(withRevenue, r.Value.PositionRevenue)))
            .OrderBy(r => r.NoTouch).ThenByDescending(r => r.Linear).ThenBy(r => r.Label, StringComparer.Ordinal).ThenBy(r => r.Currency, StringComparer.Ordinal)
            .ToList();
        return new Attribution(query.Conversion, query.LookbackDays, conversions.Count, withoutTouch, result);
    }

    /// <summary>Credited revenue to the cent: shares such as a third leave a tail of digits that means nothing.</summary>
    private static decimal? Money(bool withRevenue, decimal amount) => withRevenue ? Math.Round(amount, 2, MidpointRounding.AwayFromZero) : null;

    private static void Add(Dictionary<(string, string, string?, bool, string?), Sums> rows, (string, string, string?, bool, string?) key, AttributionModels.Credit credit, decimal revenue)
    {
        if (!rows.TryGetValue(key, out var sums))
        {
            rows[key] = sums = new Sums();
        }

        sums.First += credit.FirstTouch;
        sums.Last += credit.LastTouch;
        sums.Linear += credit.Linear;
        sums.Position += credit.PositionBased;
        sums.FirstRevenue += revenue * (decimal)credit.FirstTouch;
        sums.LastRevenue += revenue * (decimal)credit.LastTouch;
        sums.LinearRevenue += revenue * (decimal)credit.Linear;
        sums.PositionRevenue += revenue * (decimal)credit.PositionBased;
    }

    private sealed class Sums
    {
        public double First, Last, Linear, Position;
        public decimal FirstRevenue, LastRevenue, LinearRevenue, PositionRevenue;
    }
}
