using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Cdp.Profiles;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Common;
using Monfri.Domain.Crm;

namespace Monfri.Application.Cdp.Visitors.ListVisitorEvents;

/// <summary>One event of the live visitor stream: who, what, where from, when.</summary>
public sealed record VisitorEventDto(
    Guid Id,
    Guid PersonId,
    string Who,
    bool Identified,
    string Type,
    string? Event,
    string? Url,
    string? Title,
    string? Referrer,
    string? Campaign,
    string Source,
    DateTimeOffset At);

/// <summary>
/// Someone with an event in the last few minutes: a contact by name, an anonymous visitor by a short form of their
/// anonymous id; <see cref="LastPage"/> is where their latest event happened.
/// </summary>
public sealed record ActiveVisitorDto(Guid PersonId, string Who, bool Identified, DateTimeOffset LastSeenAt, string? LastPage = null);

/// <summary>
/// The stream, and who is active now: <see cref="ActiveCount"/> people in all, of whom the most recent
/// <see cref="ActiveNow"/> are listed (at most <see cref="ListVisitorEventsHandler.MaxActiveListed"/>).
/// </summary>
public sealed record VisitorStreamDto(IReadOnlyList<VisitorEventDto> Events, IReadOnlyList<ActiveVisitorDto> ActiveNow, int ActiveCount);

/// <summary>
/// The latest events across all sources (newest first, at most <c>Limit</c>) and who is active now (an event in
/// the last five minutes). The visitor page loads this first and again on each live tick.
/// </summary>
[RequiresPermission(Permission.ViewVisitors)]
public sealed record ListVisitorEventsQuery(VisitorEventFilter Filter, int Limit = 200) : IQuery<Result<VisitorStreamDto>>;

public sealed class ListVisitorEventsHandler(IMonfriDbFactory dbFactory, IEventTimelineStore store, TimeProvider clock)
    : IQueryHandler<ListVisitorEventsQuery, Result<VisitorStreamDto>>
{
    public static readonly TimeSpan ActiveWindow = TimeSpan.FromMinutes(5);
    public const int MaxActiveListed = 100;

    public async ValueTask<Result<VisitorStreamDto>> Handle(ListVisitorEventsQuery query, CancellationToken cancellationToken)
    {
        if (query.Limit is < 1 or > 500)
        {
            return Result<VisitorStreamDto>.Invalid("limit must be between 1 and 500.", "limit");
        }

        var events = await store.LatestEventsAsync(query.Filter, query.Limit, cancellationToken);
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var personIds = events.Select(e => e.PersonId).Distinct().ToList();
        var people = await db.People.AsNoTracking().Where(p => personIds.Contains(p.Id))
            .Select(p => new { p.Id, p.IsContact, p.FirstName, p.LastName, p.Email }).ToDictionaryAsync(p => p.Id, cancellationToken);
        var sources = await db.Sources.AsNoTracking().Select(s => new { s.Id, s.Name }).ToDictionaryAsync(s => s.Id, s => s.Name, cancellationToken);

        var rows = events.Select(e =>
        {
            var (url, title, referrer) = EventContext.Page(e.PropertiesJson, e.ContextJson);
            var who = people.TryGetValue(e.PersonId, out var p) && p.IsContact
                ? Name(p.FirstName, p.LastName, p.Email)
                : e.AnonymousId ?? e.UserId ?? PersonName.AnonymousVisitor;
            return new VisitorEventDto(e.Id, e.PersonId, who, p?.IsContact == true, e.Type, e.Event, url, title, referrer,
                EventContext.Campaign(e.ContextJson), sources.GetValueOrDefault(e.SourceId, "Unknown source"), e.Timestamp);
        }).ToList();

        // Counted apart from the list: the list is bounded, the number on the badge must not be.
        var since = clock.GetUtcNow() - ActiveWindow;
        var activeCount = await store.CountActiveAsync(since, cancellationToken);
        var active = await store.ActiveAsync(since, MaxActiveListed, cancellationToken);
        var activeIds = active.Select(a => a.PersonId).ToList();
        var contacts = await db.People.AsNoTracking().Where(p => activeIds.Contains(p.Id) && p.IsContact)
            .Select(p => new { p.Id, p.FirstName, p.LastName, p.Email }).ToDictionaryAsync(p => p.Id, cancellationToken);
        var activeNow = active.Select(a =>
        {
            var (url, _, _) = EventContext.Page(a.PropertiesJson, a.ContextJson);
            return contacts.TryGetValue(a.PersonId, out var c)
                ? new ActiveVisitorDto(a.PersonId, Name(c.FirstName, c.LastName, c.Email), true, a.LastSeenAt, url)
                : new ActiveVisitorDto(a.PersonId, AnonymousLabel(a.AnonymousId ?? a.UserId), false, a.LastSeenAt, url);
        }).ToList();
        return new VisitorStreamDto(rows, activeNow, Math.Max(activeCount, activeNow.Count));
    }

    /// <summary>
    /// "3f2a9c…7be1d0": both ends of the anonymous id, enough to tell a hundred visitors apart at a glance whether
    /// the ids are random or share a prefix (the side panel is narrow; its icon already says "anonymous").
    /// </summary>
    private static string AnonymousLabel(string? anonymousId) =>
        anonymousId is { Length: > 0 } id ? id.Length > 14 ? $"{id[..6]}…{id[^6..]}" : id : PersonName.AnonymousVisitor;

    private static string Name(string? first, string? last, string? email) => PersonName.Display(first, last, email);
}
