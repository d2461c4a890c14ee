using System.Globalization;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Domain.Common;
using Monfri.Domain.Crm;

namespace Monfri.Application.Crm.Activities.GetTimeline;

/// <summary>
/// The timeline of one contact, company or deal (give exactly one id): its activities, newest first, one
/// page at a time. Pass the previous page's <see cref="TimelinePage.NextCursor"/> as <see cref="Cursor"/>
/// to read on.
/// <para>
/// What a timeline includes: a deal shows what was logged on the deal. A contact also shows what was logged
/// on the deals they take part in (a call about the deal is a call with them). A company also shows what was
/// logged on its contacts and on its deals, so the account's whole history reads in one place. Activities
/// reached through another record appear only when that record is visible to the user.
/// </para>
/// </summary>
[RequiresPermission(Permission.ViewActivities)]
public sealed record GetTimelineQuery(
    Guid? PersonId = null,
    Guid? CompanyId = null,
    Guid? DealId = null,
    string? Cursor = null,
    int PageSize = GetTimelineQuery.DefaultPageSize) : IQuery<Result<TimelinePage>>
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;
}

public sealed class GetTimelineHandler(IMonfriDbFactory dbFactory, CrmAccess access, ICurrentUser currentUser) : IQueryHandler<GetTimelineQuery, Result<TimelinePage>>
{
    public async ValueTask<Result<TimelinePage>> Handle(GetTimelineQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var people = await access.VisibleAsync(db, db.People.AsNoTracking(), cancellationToken);
        var companies = await access.VisibleAsync(db, db.Companies.AsNoTracking(), cancellationToken);
        var deals = await access.VisibleAsync(db, db.Deals.AsNoTracking(), cancellationToken);

        IQueryable<Activity> activities;
        if (query.PersonId is { } personId)
        {
            if (!await people.AnyAsync(p => p.Id == personId, cancellationToken))
            {
                return Result<TimelinePage>.NotFound("That contact does not exist or is not visible to you.");
            }

            var theirDeals = deals.Where(d => d.Contacts.Any(c => c.PersonId == personId)).Select(d => (Guid?)d.Id);
            activities = db.Activities.Where(a => a.PersonId == personId || theirDeals.Contains(a.DealId));
        }
        else if (query.CompanyId is { } companyId)
        {
            if (!await companies.AnyAsync(c => c.Id == companyId, cancellationToken))
            {
                return Result<TimelinePage>.NotFound("That company does not exist or is not visible to you.");
            }

            var itsPeople = people.Where(p => p.CompanyId == companyId).Select(p => (Guid?)p.Id);
            var itsDeals = deals.Where(d => d.CompanyId == companyId).Select(d => (Guid?)d.Id);
            activities = db.Activities.Where(a => a.CompanyId == companyId || itsPeople.Contains(a.PersonId) || itsDeals.Contains(a.DealId));
        }
        else
        {
            var dealId = query.DealId!.Value;
            if (!await deals.AnyAsync(d => d.Id == dealId, cancellationToken))
            {
                return Result<TimelinePage>.NotFound("That deal does not exist or is not visible to you.");
            }

            activities = db.Activities.Where(a => a.DealId == dealId);
        }

        if (TimelineCursor.Parse(query.Cursor) is { } after)
        {
            // Keyset on (occurred_at, id): stable while others log new activities between page loads.
            activities = activities.Where(a => a.OccurredAt < after.OccurredAt || (a.OccurredAt == after.OccurredAt && a.Id.CompareTo(after.Id) < 0));
        }

        var rows = await activities.AsNoTracking()
            .OrderByDescending(a => a.OccurredAt).ThenByDescending(a => a.Id)
            .Take(query.PageSize + 1)
            .ToListAsync(cancellationToken);
        var page = rows.Take(query.PageSize).ToList();
        var next = rows.Count > query.PageSize ? TimelineCursor.Format(page[^1]) : null;
        return new TimelinePage(
            await ActivityReader.ToDtosAsync(db, page, currentUser, cancellationToken),
            next,
            ActivityRules.MayLog(currentUser, onDeal: query.DealId is not null));
    }
}

public sealed class GetTimelineValidator : AbstractValidator<GetTimelineQuery>
{
    public GetTimelineValidator()
    {
        RuleFor(q => q)
            .Must(q => new[] { q.PersonId, q.CompanyId, q.DealId }.Count(id => id is not null) == 1)
            .WithName("Record")
            .WithMessage("Ask for the timeline of exactly one contact, company or deal.");
        RuleFor(q => q.PageSize).InclusiveBetween(1, GetTimelineQuery.MaxPageSize);
        RuleFor(q => q.Cursor).Must(c => c is null || TimelineCursor.Parse(c) is not null).WithMessage("That cursor is not valid.");
    }
}

/// <summary>The position after an item: its time (UTC ticks) and id, as an opaque-looking string.</summary>
internal sealed record TimelineCursor(DateTimeOffset OccurredAt, Guid Id)
{
    public static string Format(Activity last) =>
        string.Create(CultureInfo.InvariantCulture, $"{last.OccurredAt.UtcTicks}_{last.Id:N}");

    public static TimelineCursor? Parse(string? cursor)
    {
        var parts = cursor?.Split('_');
        return parts is [var ticks, var id]
            && long.TryParse(ticks, NumberStyles.None, CultureInfo.InvariantCulture, out var utcTicks)
            && utcTicks <= DateTimeOffset.MaxValue.UtcTicks
            && Guid.TryParseExact(id, "N", out var guid)
                ? new TimelineCursor(new DateTimeOffset(utcTicks, TimeSpan.Zero), guid)
                : null;
    }
}
