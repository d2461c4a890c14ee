namespace Monfri.Application.Cdp.Collection;

/// <summary>One event of a request that was refused, with its position in the request and why.</summary>
public sealed record RejectedEvent(int Index, string Reason);

/// <summary>
/// What the debugger shows for each event of a request: accepted or not, and why, with what could be read of it
/// (also of a rejected one). A request refused as a whole (not JSON, no batch, too large) is one row with
/// <see cref="Index"/> <see cref="WholeRequestIndex"/>.
/// </summary>
public sealed record DebugEvent(int Index, string? Type, string? Name, string? MessageId, string? UserId, string? AnonymousId, string? Error, DateTimeOffset ReceivedAt)
{
    public const int WholeRequestIndex = -1;

    /// <summary>At most this many characters of an event's JSON are kept for the debugger (rows are held in memory and sent live).</summary>
    public const int MaxPayloadChars = 8 * 1024;

    /// <summary>The event's JSON as received (or the start of a refused request's body), cut at <see cref="MaxPayloadChars"/>.</summary>
    public string? Payload { get; init; }

    /// <summary>Accepted, but it carries a suppressed identifier, so the worker drops it (known on this node's cached list).</summary>
    public bool Suppressed { get; init; }

    public bool IsWholeRequest => Index == WholeRequestIndex;

    /// <summary>How many rows of each source the debugger keeps (so only that many of a request need a payload).</summary>
    public const int KeptPerSource = 100;

    /// <summary>A debugger row for a request refused before its events could be read.</summary>
    public static DebugEvent ForRequest(string reason, ReadOnlySpan<byte> body, DateTimeOffset receivedAt) =>
        new(WholeRequestIndex, null, null, null, null, null, reason, receivedAt) { Payload = body.IsEmpty ? null : PayloadOf(body) };

    /// <summary>The start of <paramref name="utf8"/> as text (invalid bytes replaced), cut at <see cref="MaxPayloadChars"/>, saying so.</summary>
    public static string PayloadOf(ReadOnlySpan<byte> utf8)
    {
        var text = System.Text.Encoding.UTF8.GetString(utf8[..Math.Min(utf8.Length, MaxPayloadChars + 1)]);
        return text.Length <= MaxPayloadChars && utf8.Length <= MaxPayloadChars ? text : text[..Math.Min(text.Length, MaxPayloadChars)] + " …(cut)";
    }

    /// <summary>
    /// Whether the row mentions one of <paramref name="identifiers"/>: an id field holding one exactly, or (one
    /// long enough to be unambiguous) its text anywhere in the name, reason or payload, as is or JSON-escaped, whatever the case.
    /// </summary>
    public bool Mentions(IReadOnlyCollection<string> identifiers, int minSubstringLength)
    {
        foreach (var id in identifiers)
        {
            if (id == UserId || id == AnonymousId)
            {
                return true;
            }

            if (id.Length >= minSubstringLength)
            {
                var escaped = System.Text.Json.JsonEncodedText.Encode(id).ToString();
                if (new[] { Name, Error, Payload }.Any(text => text is not null && (text.Contains(id, StringComparison.OrdinalIgnoreCase) || text.Contains(escaped, StringComparison.OrdinalIgnoreCase))))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>What a row's debugger cell says for an erased identifier.</summary>
    public const string ErasedText = "[erased]";

    /// <summary>
    /// This row after <paramref name="identifiers"/> of one person were erased: unchanged when it does not mention
    /// them; null when it is that person's own (its user id is one of theirs, or its only id is, or it has no id
    /// to tell whose it is); otherwise someone else's row, kept with each identifier replaced by
    /// <see cref="ErasedText"/> in its ids and its text (as is or JSON-escaped, whatever the case, as the eraser
    /// does with stored events).
    /// </summary>
    public DebugEvent? Erase(IReadOnlyCollection<string> identifiers, int minSubstringLength)
    {
        if (!Mentions(identifiers, minSubstringLength))
        {
            return this;
        }

        var ownUserId = UserId is not null && identifiers.Contains(UserId);
        var ownOnlyId = UserId is null && (AnonymousId is null || identifiers.Contains(AnonymousId));
        if (ownUserId || ownOnlyId)
        {
            return null;
        }

        return this with
        {
            AnonymousId = AnonymousId is not null && identifiers.Contains(AnonymousId) ? ErasedText : AnonymousId,
            Name = Redact(Name, identifiers, minSubstringLength),
            Error = Redact(Error, identifiers, minSubstringLength),
            Payload = Redact(Payload, identifiers, minSubstringLength),
        };
    }

    private static string? Redact(string? text, IReadOnlyCollection<string> identifiers, int minSubstringLength)
    {
        if (text is null)
        {
            return null;
        }

        // Only identifiers long enough to be unambiguous (a short one would blank unrelated text); longest first,
        // so an identifier that contains another is replaced whole.
        foreach (var id in identifiers.Where(i => i.Length >= minSubstringLength).OrderByDescending(i => i.Length))
        {
            text = text.Replace(id, ErasedText, StringComparison.OrdinalIgnoreCase);
            var escaped = System.Text.Json.JsonEncodedText.Encode(id).ToString();
            if (escaped != id)
            {
                text = text.Replace(escaped, ErasedText, StringComparison.OrdinalIgnoreCase);
            }
        }

        return text;
    }
}

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

/// <summary>
/// A request that cannot be processed at all (answered 400, as clients expect), with the body's
/// <c>writeKey</c> when it could be read (so the refusal can be shown in that source's debugger).
/// </summary>
public sealed record CollectionFailure(string Message, string? BodyWriteKey = null);
