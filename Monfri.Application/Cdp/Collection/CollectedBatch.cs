namespace Monfri.Application.Cdp.Collection;

/// <summary>One event of a request that was refused, with its position in the request and why.</summary>
public sealed record RejectedEvent(int Index, string Reason);

/// <summary>What the debugger shows for each event of a request: accepted or not, and why.</summary>
public sealed record DebugEvent(int Index, string? Type, string? Name, string? MessageId, string? UserId, string? AnonymousId, string? Error, DateTimeOffset ReceivedAt);

/// <summary>
/// A parsed collection request: the accepted events, normalised and serialised as one JSON array (what goes
/// into the durable intake), and the rejected ones.
/// </summary>
public sealed record CollectedBatch(
    byte[] AcceptedJson,
    int AcceptedCount,
    IReadOnlyList<RejectedEvent> Rejected,
    IReadOnlyList<DebugEvent> Debug,
    string? BodyWriteKey);

/// <summary>A request that cannot be processed at all (answered 400, as clients expect).</summary>
public sealed record CollectionFailure(string Message);
