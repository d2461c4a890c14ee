using System.Globalization;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Application.Segments;
using Monfri.Domain.Common;
using Monfri.Application.Cdp.Profiles.GetPersonProfile;
using Monfri.Domain.Segments;

namespace Monfri.Application.Cdp.Profiles.GetProfileTimeline;

/// <summary>What a timeline entry is: a CDP event, a CRM activity, a deal stage change or entering/leaving a segment.</summary>
public static class TimelineKinds
{
    public const string Event = "event";
    public const string Activity = "activity";
    public const string Stage = "stage";
    public const string Segment = "segment";
}

/// <summary>
/// One entry of a person's timeline. Properties and context are JSON text: pages show them as text, never
/// as markup, because they come straight from a browser.
/// </summary>
public sealed record TimelineItemDto(
    string Kind,
    string Id,
    DateTimeOffset At,
    string Title,
    string? Detail,
    string? EventType,
    string? EventName,
    string? PropertiesJson,
    string? ContextJson,
    bool BeforeSignup);

/// <summary>
/// A page of the timeline; <see cref="Next"/> continues after the last item, null at the end. For a contact,
/// <see cref="BeforeSignup"/> counts every event before they signed up (on the first page only: it is the same on
/// every page), however few of them are loaded.
/// </summary>
public sealed record TimelinePage(IReadOnlyList<TimelineItemDto> Items, string? Next, DateTimeOffset? KnownSince, BeforeSignupCounts? BeforeSignup = null);

/// <summary>
/// One person's timeline, newest first: events, activities, deal stage changes and segment entries/exits merged. <c>Kind</c> narrows
/// to one of <see cref="TimelineKinds"/> or an event type (page, track, identify); <c>EventName</c> to events of
/// that name. <c>After</c> is the <see cref="TimelinePage.Next"/> of the previous page.
/// </summary>
[RequiresPermission(Permission.ViewProfiles)]
public sealed record GetProfileTimelineQuery(Guid PersonId, string? Kind = null, string? EventName = null, string? After = null, int PageSize = 50)
    : IQuery<Result<TimelinePage>>;

public sealed class GetProfileTimelineHandler(IMonfriDbFactory dbFactory, IEventTimelineStore events, ISegmentEngine segments, CrmAccess access)
    : IQueryHandler<GetProfileTimelineQuery, Result<TimelinePage>>
{
    private static readonly string[] EventTypes = ["page", "screen", "track", "identify", "group", "alias"];

    public async ValueTask<Result<TimelinePage>> Handle(GetProfileTimelineQuery query, CancellationToken cancellationToken)
    {
        if (query.PageSize is < 1 or > 200)
        {
            return Result<TimelinePage>.Invalid("pageSize must be between 1 and 200.", "pageSize");
        }

        var kind = string.IsNullOrWhiteSpace(query.Kind) ? null : query.Kind.Trim().ToLowerInvariant();
        if (kind is not null && kind is not (TimelineKinds.Event or TimelineKinds.Activity or TimelineKinds.Stage or TimelineKinds.Segment) && !EventTypes.Contains(kind))
        {
            return Result<TimelinePage>.Invalid($"Unknown kind '{query.Kind}'.", "kind");
        }

        Cursor? cursor = null;
        if (query.After is not null && (cursor = Cursor.Parse(query.After)) is null)
        {
            return Result<TimelinePage>.Invalid("The paging cursor is not valid.", "after");
        }

        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var person = await ProfileVisibility.FindAsync(db, access, query.PersonId, cancellationToken);
        if (person is null)
        {
            return Result<TimelinePage>.NotFound("No such person.");
        }

        var eventName = string.IsNullOrWhiteSpace(query.EventName) ? null : query.EventName.Trim();
        var wantEvents = kind is null or TimelineKinds.Event || EventTypes.Contains(kind!);
        var wantCrm = eventName is null;
        var limit = query.PageSize + 1;
        var knownSince = await ProfileVisibility.KnownSinceAsync(db, events, person.Id, person.IsContact, cancellationToken);
        var items = new List<TimelineItemDto>();

        if (wantEvents)
        {
            // At the cursor's instant, events sort between segment entries and activities (kind descending).
            var inclusive = cursor is { Kind: TimelineKinds.Stage or TimelineKinds.Segment };
            Guid? beforeId = cursor is { Kind: TimelineKinds.Event } ? Guid.Parse(cursor.Id) : null;
            var type = kind is null or TimelineKinds.Event ? null : kind;
            var stored = await events.PersonEventsAsync(person.Id, cursor?.At, beforeId, inclusive, type, eventName, limit, cancellationToken);
            items.AddRange(stored.Select(e => ToItem(e, knownSince, person.IsContact)));
        }

        if (wantCrm && kind is null or TimelineKinds.Activity)
        {
            var activities = db.Activities.AsNoTracking().Where(a => a.PersonId == person.Id);
            if (cursor is not null)
            {
                activities = activities.Where(a => a.OccurredAt <= cursor.At);
            }

            var rows = await activities.OrderByDescending(a => a.OccurredAt).ThenByDescending(a => a.Id).Take(limit + 20)
                .Select(a => new { a.Id, a.Type, a.Subject, a.OccurredAt, a.CompletedAt }).ToListAsync(cancellationToken);
            items.AddRange(rows.Select(a => new TimelineItemDto(
                TimelineKinds.Activity, a.Id.ToString(), a.OccurredAt, $"{a.Type}: {a.Subject}",
                a.CompletedAt is null ? null : "Done", null, null, null, null, false)));
        }

        if (wantCrm && kind is null or TimelineKinds.Stage)
        {
            var deals = (await access.VisibleAsync(db, db.Deals.AsNoTracking(), cancellationToken))
                .Where(d => db.DealContacts.Any(dc => dc.DealId == d.Id && dc.PersonId == person.Id));
            var changes = from c in db.DealStageChanges.AsNoTracking()
                          join d in deals on c.DealId equals d.Id
                          join to in db.PipelineStages on c.ToStageId equals to.Id
                          from fromStage in db.PipelineStages.Where(s => s.Id == c.FromStageId).DefaultIfEmpty()
                          select new { c.Id, c.ChangedAt, Deal = d.Name, To = to.Name, From = fromStage == null ? null : fromStage.Name };
            if (cursor is not null)
            {
                changes = changes.Where(c => c.ChangedAt <= cursor.At);
            }

            var rows = await changes.OrderByDescending(c => c.ChangedAt).ThenByDescending(c => c.Id).Take(limit + 20).ToListAsync(cancellationToken);
            items.AddRange(rows.Select(c => new TimelineItemDto(
                TimelineKinds.Stage, c.Id.ToString("D20", CultureInfo.InvariantCulture), c.ChangedAt,
                c.From is null ? $"Deal {c.Deal} created in {c.To}" : $"Deal {c.Deal} moved from {c.From} to {c.To}",
                null, null, null, null, null, false)));
        }

        if (wantCrm && kind is null or TimelineKinds.Segment)
        {
            var history = await segments.PersonHistoryAsync(person.Id, cursor?.At, limit + 20, cancellationToken);
            items.AddRange(history.Select(h => new TimelineItemDto(
                TimelineKinds.Segment, h.Id.ToString("D20", CultureInfo.InvariantCulture), h.At,
                $"{(h.Entered ? SegmentMembershipChanged.EnteredName : SegmentMembershipChanged.ExitedName)}: {h.SegmentName}",
                h.Reason, null, h.Entered ? SegmentMembershipChanged.EnteredName : SegmentMembershipChanged.ExitedName, null, null, false)));
        }

        var ordered = items
            .Where(i => cursor is null || cursor.IsAfter(i))
            .OrderByDescending(i => i.At).ThenByDescending(i => i.Kind, StringComparer.Ordinal).ThenByDescending(i => i.Id, StringComparer.Ordinal)
            .Take(limit).ToList();
        var page = ordered.Take(query.PageSize).ToList();
        var next = ordered.Count > query.PageSize ? Cursor.Of(page[^1]) : null;
        var beforeSignup = person.IsContact && cursor is null ? await events.CountBeforeAsync(person.Id, knownSince, cancellationToken) : null;
        return new TimelinePage(page, next, knownSince?.At, beforeSignup);
    }

    private static TimelineItemDto ToItem(StoredEvent e, EventPosition? knownSince, bool isContact)
    {
        var (url, title, _) = EventContext.Page(e.PropertiesJson, e.ContextJson);
        var heading = e.Type switch
        {
            "page" or "screen" => $"Viewed {title ?? e.Event ?? url ?? "a page"}",
            "track" => e.Event ?? "Event",
            "identify" => "Identified",
            _ => e.Event ?? e.Type,
        };
        var detail = e.Type is "page" or "screen" ? url : null;
        // By position, not time alone: anonymous events sent in the same batch as the identify share its timestamp.
        var beforeSignup = isContact && (knownSince is null || knownSince.Precedes(e.Timestamp, e.Id));
        return new TimelineItemDto(TimelineKinds.Event, e.Id.ToString(), e.Timestamp, heading, detail, e.Type, e.Event, e.PropertiesJson, e.ContextJson, beforeSignup);
    }

    /// <summary>Position after an item: its instant, kind and id, ordered descending in that order.</summary>
    private sealed record Cursor(DateTimeOffset At, string Kind, string Id)
    {
        public static string Of(TimelineItemDto item) => $"{item.At.UtcTicks}_{item.Kind}_{item.Id}";

        public static Cursor? Parse(string text)
        {
            var parts = text.Split('_');
            if (parts.Length != 3 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                || ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks
                || parts[1] is not (TimelineKinds.Event or TimelineKinds.Activity or TimelineKinds.Stage or TimelineKinds.Segment)
                || (parts[1] is not (TimelineKinds.Stage or TimelineKinds.Segment) && !Guid.TryParse(parts[2], out _)))
            {
                return null;
            }

            return new Cursor(new DateTimeOffset(ticks, TimeSpan.Zero), parts[1], parts[2]);
        }

        public bool IsAfter(TimelineItemDto item)
        {
            var byTime = item.At.CompareTo(At);
            if (byTime != 0)
            {
                return byTime < 0;
            }

            var byKind = string.CompareOrdinal(item.Kind, Kind);
            return byKind != 0 ? byKind < 0 : string.CompareOrdinal(item.Id, Id) < 0;
        }
    }
}
