using Monfri.Application.Cdp.Collection;

namespace Monfri.Application.Cdp.Common;

/// <summary>A source as the collection endpoints need it, looked up by write key on every request.</summary>
public sealed record SourceKey(Guid Id, string Name, bool Enabled, IReadOnlyList<string> AllowedOrigins)
{
    public bool AllowsOrigin(string? origin) =>
        AllowedOrigins.Count == 0 || origin is null || AllowedOrigins.Contains(Domain.Cdp.Source.NormalizeOrigin(origin), StringComparer.Ordinal);
}

/// <summary>Write key → source, cached: the collection path cannot afford a query per request.</summary>
public interface ISourceDirectory
{
    ValueTask<SourceKey?> FindAsync(string writeKey, CancellationToken cancellationToken);

    /// <summary>Forgets cached keys after a source changed (disabled, rotated) so the change takes effect at once.</summary>
    void Invalidate();
}

/// <summary>The durable intake queue in front of the ingest workers.</summary>
public interface IIngestIntake
{
    /// <summary>True while the queue is full to the configured limit: new requests get 429 before their body is read.</summary>
    bool IsOverloaded { get; }

    /// <summary>
    /// Reserves room for one request's accepted events (a JSON array), appends them and returns true once they are
    /// durable (committed with <c>synchronous_commit</c> on); returns false, storing none of them, when they would
    /// not all fit under the limit. Throws only on a transient fault, which callers answer with 503.
    /// </summary>
    Task<bool> AppendAsync(Guid sourceId, DateTimeOffset receivedAt, byte[] eventsJson, int count, CancellationToken cancellationToken);
}

/// <summary>The live updates of a source debugger (topic <c>source:{id}</c>).</summary>
public static class SourceDebugLive
{
    /// <summary>Rows that arrived (data: the rows, oldest first).</summary>
    public const string Events = "source.events";

    /// <summary>Rows went (a privacy deletion): read them again.</summary>
    public const string Reset = "source.reset";
}

/// <summary>The last events each source received, with their validation result, for the source debugger.</summary>
public interface ISourceDebugFeed
{
    void Record(Guid sourceId, IReadOnlyList<DebugEvent> events);

    IReadOnlyList<DebugEvent> Recent(Guid sourceId);

    /// <summary>
    /// Erases <paramref name="identifiers"/> (one person's, after a privacy deletion) here and on the open
    /// debuggers of this node: their own rows go, other people's rows that mention them stay with the identifiers
    /// replaced (<see cref="DebugEvent.Erase"/>); returns how many rows went.
    /// </summary>
    Task<int> ForgetAsync(IReadOnlyCollection<string> identifiers, CancellationToken cancellationToken);
}

/// <summary>One stored event as the profile timeline and the REST API show it.</summary>
public sealed record ProfileEventDto(
    Guid Id,
    string Type,
    string? Event,
    string MessageId,
    DateTimeOffset Timestamp,
    DateTimeOffset ReceivedAt,
    Guid SourceId,
    string? UserId,
    string? AnonymousId,
    System.Text.Json.JsonElement? Properties,
    System.Text.Json.JsonElement? Context);

/// <summary>Reads of the event store and profile traits (hand-written SQL over the partitioned events table).</summary>
public interface IProfileStore
{
    Task<Dictionary<string, object?>> TraitsAsync(Guid personId, CancellationToken cancellationToken);

    Task<(IReadOnlyList<ProfileEventDto> Items, int Total)> EventsAsync(Guid personId, int pageIndex, int pageSize, CancellationToken cancellationToken);

    /// <summary>
    /// The person an identity points at, with first/last seen and identify traits, in one indexed read; an email
    /// also finds a CRM contact that never sent an event. Null when nobody has it.
    /// </summary>
    Task<Profiles.GetProfileTraits.ProfileFacts?> FactsByIdentityAsync(string type, string value, CancellationToken cancellationToken);

    /// <summary>The same facts by person id.</summary>
    Task<Profiles.GetProfileTraits.ProfileFacts?> FactsByIdAsync(Guid personId, CancellationToken cancellationToken);
}
