using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Crm.Common;
using Monfri.Domain.Crm;

namespace Monfri.Application.Reports;

/// <summary>
/// What every report is asked for: a range of whole days (UTC, both ends included) and optionally one pipeline and one
/// owner. The same parameters travel in a report page's URL and in the REST API's query string.
/// </summary>
public sealed record ReportFilter(DateOnly From, DateOnly To, Guid? PipelineId = null, Guid? OwnerId = null)
{
    /// <summary>The longest range a report covers: a few years of history, not an accidental century.</summary>
    public const int MaxDays = 3 * 366;

    /// <summary>The first instant of the range.</summary>
    public DateTimeOffset Start => new(From.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>The first instant after the range (exclusive).</summary>
    public DateTimeOffset End => new(To.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>The month to date of <paramref name="now"/> (UTC).</summary>
    public static ReportFilter MonthToDate(DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        return new ReportFilter(new DateOnly(today.Year, today.Month, 1), today);
    }

    /// <summary>The last <paramref name="days"/> days up to and including today (UTC).</summary>
    public static ReportFilter LastDays(DateTimeOffset now, int days)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        return new ReportFilter(today.AddDays(1 - days), today);
    }
}

public sealed class ReportFilterValidator : AbstractValidator<ReportFilter>
{
    public ReportFilterValidator()
    {
        RuleFor(f => f.To).GreaterThanOrEqualTo(f => f.From).WithMessage("The range ends before it starts: choose a 'to' date on or after the 'from' date.");
        RuleFor(f => f).Must(f => f.To.DayNumber - f.From.DayNumber < ReportFilter.MaxDays)
            .WithName("to").WithMessage($"A report covers at most {ReportFilter.MaxDays} days.")
            .When(f => f.To >= f.From);
    }
}

/// <summary>The deals a report counts: visible to the current user (own records only for limited reps), narrowed by the filter's pipeline and owner.</summary>
internal static class ReportDeals
{
    public static async Task<IQueryable<Deal>> VisibleAsync(IMonfriDb db, CrmAccess access, ReportFilter filter, CancellationToken cancellationToken)
    {
        var deals = await access.VisibleAsync(db, db.Deals.AsNoTracking(), cancellationToken);
        if (filter.PipelineId is { } pipelineId)
        {
            deals = deals.Where(d => d.PipelineId == pipelineId);
        }

        if (filter.OwnerId is { } ownerId)
        {
            deals = deals.Where(d => d.OwnerId == ownerId);
        }

        return deals;
    }

    /// <summary>Owner names by id (users who left keep their name; an unknown id reads as such).</summary>
    public static async Task<Dictionary<Guid, string>> OwnerNamesAsync(IMonfriDb db, IEnumerable<Guid?> ids, CancellationToken cancellationToken)
    {
        var wanted = ids.OfType<Guid>().Distinct().ToList();
        return wanted.Count == 0 ? [] : await db.UserRefs.Where(u => wanted.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, cancellationToken);
    }

    public const string NoOwner = "(no owner)";

    public static string OwnerName(Dictionary<Guid, string> names, Guid? id) =>
        id is { } owner ? names.GetValueOrDefault(owner, "(unknown user)") : NoOwner;
}

/// <summary>An amount in one currency. Reports never add amounts of different currencies (there are no exchange rates in Settings).</summary>
public sealed record CurrencyAmount(string Currency, decimal Amount);

/// <summary>Statistics over durations, with no value when there is nothing to measure (never a division by zero).</summary>
public static class Stats
{
    public static double? Mean(IReadOnlyCollection<double> values) => values.Count == 0 ? null : values.Average();

    public static double? Median(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        var sorted = values.Order().ToList();
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>A share of a whole, or none when the whole is zero.</summary>
    public static double? Rate(int part, int whole) => whole == 0 ? null : (double)part / whole;
}
