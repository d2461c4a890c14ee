namespace Monfri.Application.Cdp.Profiles;

/// <summary>One stored event with what the timeline and the visitor stream show of it.</summary>
public sealed record StoredEvent(
    Guid Id,
    Guid PersonId,
    Guid SourceId,
    string Type,
    string? Event,
    DateTimeOffset Timestamp,
    string? UserId,
    string? AnonymousId,
    string? PropertiesJson,
    string? ContextJson);

/// <summary>
/// A moment in a person's timeline: a timestamp, then an event id when the moment is an event. Event ids are
/// UUIDv7 whose bits after the millisecond follow arrival order, so events sharing a timestamp (a batch sent
/// without timestamps) keep the order they were sent in. A moment without an event (a merge) comes before every
/// event at its timestamp.
/// </summary>
public sealed record EventPosition(DateTimeOffset At, Guid? Id = null)
{
    /// <summary>True when an event at (<paramref name="at"/>, <paramref name="id"/>) comes before this moment.</summary>
    public bool Precedes(DateTimeOffset at, Guid id) =>
        at != At ? at < At : Id is { } own && string.CompareOrdinal(id.ToString(), own.ToString()) < 0;
}

/// <summary>How much a contact did before signing up: all their events, and how many of them were page views.</summary>
public sealed record BeforeSignupCounts(long Events, long PageViews);

/// <summary>The latest event of someone active now, and how many people are active in all.</summary>
public sealed record ActiveVisitor(Guid PersonId, DateTimeOffset LastSeenAt, string? AnonymousId, string? UserId, string? PropertiesJson, string? ContextJson);

/// <summary>Which events of the visitor stream to show.</summary>
public sealed record VisitorEventFilter(Guid? SourceId = null, string? EventName = null, bool IdentifiedOnly = false, string? UrlContains = null);

/// <summary>
/// Keyset reads of the partitioned events table (hand-written SQL: the table has no EF mapping). Keyset, not
/// offset, so the 2,000th page of a person with 100,000 events costs what the first does.
/// </summary>
public interface IEventTimelineStore
{
    /// <summary>
    /// A person's events (whose name contains <paramref name="eventName"/>, ignoring case) strictly before (<paramref name="beforeAt"/>, <paramref name="beforeId"/>) in
    /// (timestamp, id) descending order; <paramref name="inclusiveAt"/> also keeps every event at exactly beforeAt.
    /// </summary>
    Task<IReadOnlyList<StoredEvent>> PersonEventsAsync(
        Guid personId, DateTimeOffset? beforeAt, Guid? beforeId, bool inclusiveAt, string? type, string? eventName, int limit, CancellationToken cancellationToken);

    /// <summary>Where the person first told us who they are: their first identify or first event carrying a user id.</summary>
    Task<EventPosition?> FirstIdentifiedAsync(Guid personId, CancellationToken cancellationToken);

    /// <summary>
    /// The person's events before <paramref name="signup"/> (all of them when null): counted on the server, so the
    /// timeline can say how much happened before signing up without loading it.
    /// </summary>
    Task<BeforeSignupCounts> CountBeforeAsync(Guid personId, EventPosition? signup, CancellationToken cancellationToken);

    /// <summary>
    /// How many events the person has (built-in trait "total events"): counted when asked, over the person's
    /// timeline index, instead of a counter every ingest claim would rewrite for every person it touches.
    /// </summary>
    Task<long> CountAsync(Guid personId, CancellationToken cancellationToken);

    /// <summary>
    /// The time of the person's latest event, read over their timeline index. Ingest keeps <c>people.last_seen_at</c>
    /// to the minute (a burst of events writes the row once, decision 010); one person's page reads it exactly.
    /// </summary>
    Task<DateTimeOffset?> LastEventAtAsync(Guid personId, CancellationToken cancellationToken);

    /// <summary>
    /// A context assembled field by field from the person's latest event carrying each (userAgent, locale, timezone,
    /// location): server SDKs send only <c>context.library</c>, and must not blank what the browser told us.
    /// </summary>
    Task<string?> LatestDeviceContextAsync(Guid personId, CancellationToken cancellationToken);

    /// <summary>How many people have an event since <paramref name="since"/>.</summary>
    Task<int> CountActiveAsync(DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>The people with an event since <paramref name="since"/>, most recent first, each with their latest event.</summary>
    Task<IReadOnlyList<ActiveVisitor>> ActiveAsync(DateTimeOffset since, int limit, CancellationToken cancellationToken);

    /// <summary>The latest events of every person, newest first, within the last week.</summary>
    Task<IReadOnlyList<StoredEvent>> LatestEventsAsync(VisitorEventFilter filter, int limit, CancellationToken cancellationToken);
}
