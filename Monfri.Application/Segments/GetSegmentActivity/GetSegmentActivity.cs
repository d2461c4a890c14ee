using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;

namespace Monfri.Application.Segments.GetSegmentActivity;

/// <summary>
/// A segment's size over the last <see cref="SizeHistory"/> UTC days (one value per day, carried over days nothing
/// changed) and how many entered and left since the start of today (UTC). A rep limited to own records gets today's
/// numbers among the people they own and no size history: the recorded sizes count everyone.
/// </summary>
public sealed record SegmentActivityDto(IReadOnlyList<SegmentDayCount> SizeHistory, int EnteredToday, int LeftToday, bool OwnRecordsOnly);

[RequiresPermission(Permission.ViewSegments)]
public sealed record GetSegmentActivityQuery(Guid Id, int Days = 30) : IQuery<Result<SegmentActivityDto>>;

public sealed class GetSegmentActivityValidator : AbstractValidator<GetSegmentActivityQuery>
{
    public GetSegmentActivityValidator() =>
        RuleFor(q => q.Days).InclusiveBetween(1, 366).WithMessage("Show 1 to 366 days.");
}

public sealed class GetSegmentActivityHandler(IMonfriDbFactory dbFactory, ISegmentEngine engine, CrmAccess access, TimeProvider clock)
    : IQueryHandler<GetSegmentActivityQuery, Result<SegmentActivityDto>>
{
    public async ValueTask<Result<SegmentActivityDto>> Handle(GetSegmentActivityQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        if (!await db.Segments.AnyAsync(s => s.Id == query.Id, cancellationToken))
        {
            return Result<SegmentActivityDto>.NotFound("No such segment.");
        }

        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var ownerOnly = await access.OwnRecordsOnlyAsync(db, cancellationToken) ? access.UserId : null;
        var (entered, left) = await engine.ChangesSinceAsync(query.Id, new DateTimeOffset(today.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), ownerOnly, cancellationToken);
        if (ownerOnly is not null)
        {
            return new SegmentActivityDto([], entered, left, OwnRecordsOnly: true);
        }

        var from = today.AddDays(1 - query.Days);
        var recorded = await engine.SizeHistoryAsync(query.Id, from, cancellationToken);
        return new SegmentActivityDto(Fill(recorded, from, today), entered, left, OwnRecordsOnly: false);
    }

    /// <summary>
    /// One value per day from the first recorded day in range (or <paramref name="from"/> when a day before it was
    /// recorded): a day without a row kept the size of the day before and moved nobody.
    /// </summary>
    public static IReadOnlyList<SegmentDayCount> Fill(IReadOnlyList<SegmentDayCount> recorded, DateOnly from, DateOnly to)
    {
        var days = new List<SegmentDayCount>();
        if (recorded.Count == 0)
        {
            return days;
        }

        var byDay = recorded.ToDictionary(d => d.Day);
        var start = recorded[0].Day < from ? from : recorded[0].Day;
        var size = recorded[0].Day < from ? recorded[0].MemberCount : 0;
        for (var day = start; day <= to; day = day.AddDays(1))
        {
            if (byDay.TryGetValue(day, out var row))
            {
                days.Add(row);
                size = row.MemberCount;
            }
            else
            {
                days.Add(new SegmentDayCount(day, size, 0, 0));
            }
        }

        return days;
    }
}
