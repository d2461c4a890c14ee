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

/// <summary>Which events of the visitor stream to show.</summary>
public sealed record VisitorEventFilter(Guid? SourceId = null, string? EventName = null, bool IdentifiedOnly = false, string? UrlContains = null);

/// <summary>
/// Keyset reads of the partitioned events table (hand-written SQL: the table has no EF mapping). Keyset, not
/// offset, so the 2,000th page of a person with 100,000 events costs what the first does.
/// </summary>
public interface IEventTimelineStore
{
    /// <summary>
    /// A person's events strictly before (<paramref name="beforeAt"/>, <paramref name="beforeId"/>) in
    /// (timestamp, id) descending order; <paramref name="inclusiveAt"/> also keeps every event at exactly beforeAt.
    /// </summary>
    Task<IReadOnlyList<StoredEvent>> PersonEventsAsync(
        Guid personId, DateTimeOffset? beforeAt, Guid? beforeId, bool inclusiveAt, string? type, string? eventName, int limit, CancellationToken cancellationToken);

    /// <summary>When the person first told us who they are: their first identify or first event carrying a user id.</summary>
    Task<DateTimeOffset?> FirstIdentifiedAtAsync(Guid personId, CancellationToken cancellationToken);

    /// <summary>
    /// How many events the person has (built-in trait "total events"): counted when asked, over the person's
    /// timeline index, instead of a counter every ingest claim would rewrite for every person it touches.
    /// </summary>
    Task<long> CountAsync(Guid personId, CancellationToken cancellationToken);

    /// <summary>The context of the person's latest event that has one (browser, locale, timezone).</summary>
    Task<string?> LatestContextAsync(Guid personId, CancellationToken cancellationToken);

    /// <summary>The latest events of every person, newest first, within the last week.</summary>
    Task<IReadOnlyList<StoredEvent>> LatestEventsAsync(VisitorEventFilter filter, int limit, CancellationToken cancellationToken);
}
