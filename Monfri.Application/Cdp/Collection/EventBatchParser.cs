using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Monfri.Domain.Cdp;

namespace Monfri.Application.Cdp.Collection;

/// <summary>
/// Reads a Segment/RudderStack request body: validates every event on its own (so one bad event does not cost
/// the good ones), merges batch-level <c>context</c>/<c>integrations</c> into each event (the event's own values
/// win), assigns missing message ids and stamps <c>receivedAt</c>. Clock-skew correction happens in the workers,
/// from the <c>sentAt</c> kept here.
/// </summary>
public static class EventBatchParser
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = CollectionLimits.MaxJsonDepth };

    /// <param name="type">The call's type for single-event paths (<c>/v1/track</c>); null for a batch.</param>
    public static (CollectedBatch? Batch, CollectionFailure? Failure) Parse(ReadOnlyMemory<byte> body, string? type, DateTimeOffset receivedAt)
    {
        if (body.Length == 0)
        {
            return (null, new("The request body is empty; send a JSON object."));
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, DocumentOptions);
        }
        catch (JsonException ex)
        {
            // Told apart by reading again, not by the message: a truncated body's message speaks of depth too
            // ("Expected depth to be zero at the end of the JSON payload").
            return (null, new(TooDeep(body.Span)
                ? $"The JSON is nested more than {CollectionLimits.MaxJsonDepth} levels deep."
                : NotJson(body.Span, ex)));
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, new("The body must be a JSON object."));
            }

            var writeKey = root.TryGetProperty("writeKey", out var key) && key.ValueKind == JsonValueKind.String ? key.GetString() : null;
            if (type is not null)
            {
                return (Build([root], type, null, default, default, receivedAt, writeKey), null);
            }

            if (!root.TryGetProperty("batch", out var batch) || batch.ValueKind != JsonValueKind.Array)
            {
                return (null, new("A batch needs a \"batch\" array of events.", writeKey));
            }

            var count = batch.GetArrayLength();
            if (count > CollectionLimits.MaxBatchEvents)
            {
                return (null, new($"A batch holds at most {CollectionLimits.MaxBatchEvents:N0} events; this one has {count:N0}.", writeKey));
            }

            var sentAt = root.TryGetProperty("sentAt", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            root.TryGetProperty("context", out var context);
            root.TryGetProperty("integrations", out var integrations);
            return (Build(batch.EnumerateArray().ToList(), null, sentAt, context, integrations, receivedAt, writeKey), null);
        }
    }

    /// <summary>
    /// A refusal a sender can act on, without the reader's internals ("LineNumber: 0 | BytePositionInLine: 25"):
    /// where the JSON went wrong, as a 1-based character and line (the reader counts bytes from 0).
    /// </summary>
    /// <summary>Whether the body nests deeper than the limit (and did not fail for some other flaw first).</summary>
    private static bool TooDeep(ReadOnlySpan<byte> body)
    {
        // Read again without the limit (the reader keeps depth in a bit stack, so deep input costs no recursion)
        // and see whether a container opens past it before anything else goes wrong.
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = body.Length + 1 });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth + 1 > CollectionLimits.MaxJsonDepth)
                {
                    return true;
                }
            }

            return false;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string NotJson(ReadOnlySpan<byte> body, JsonException ex)
    {
        if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            return "The body is not valid UTF-8 text.";
        }

        if (ex.LineNumber is not { } line || ex.BytePositionInLine is not { } bytes)
        {
            return "The body is not valid JSON.";
        }

        var start = 0;
        for (var l = 0L; l < line && start < body.Length; l++)
        {
            var next = body[start..].IndexOf((byte)'\n');
            start = next < 0 ? body.Length : start + next + 1;
        }

        var position = Math.Min(body.Length, start + (int)bytes);
        if (body[position..].Trim(" \t\r\n"u8).IsEmpty)
        {
            // Nothing but the end follows where reading stopped: the JSON was cut off, often an upload or a gzip
            // stream that ended early.
            return "The body ends before its JSON does (an unclosed object, array or string): was it cut off?";
        }

        var upTo = body[start..position];
        var character = System.Text.Encoding.UTF8.GetString(upTo).EnumerateRunes().Count() + 1;
        return string.Create(CultureInfo.InvariantCulture, $"The body is not valid JSON (at character {character} of line {line + 1}).");
    }

    private static CollectedBatch Build(
        IReadOnlyList<JsonElement> events, string? pathType, string? batchSentAt, JsonElement batchContext, JsonElement batchIntegrations,
        DateTimeOffset receivedAt, string? writeKey)
    {
        var buffer = new ArrayBufferWriter<byte>(events.Count * 400 + 16);
        using var writer = new Utf8JsonWriter(buffer);
        writer.WriteStartArray();
        var rejected = new List<RejectedEvent>();
        var debug = new List<DebugEvent>(events.Count);
        var accepted = 0;
        var received = receivedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            string? error, type = pathType, userId = null, anonymousId = null, messageId = null, name = null;
            try
            {
                error = StorableText(e) ?? Validate(e, pathType, out type, out userId, out anonymousId, out messageId);
            }
            catch (InvalidOperationException)
            {
                error = "The event contains text that is not valid UTF-8.";
            }

            if (error is not null && e.ValueKind == JsonValueKind.Object)
            {
                // Validation stops at the first problem; the debugger still shows what the event says it is.
                type ??= Text(e, "type")?.Trim().ToLowerInvariant();
                userId ??= Text(e, "userId");
                anonymousId ??= Text(e, "anonymousId");
                messageId ??= Text(e, "messageId");
            }

            name = e.ValueKind == JsonValueKind.Object ? DebugName(e, type) : null;
            // Only the last rows of a request can stay in the debugger: the others need no copy of their JSON.
            var payload = i >= events.Count - DebugEvent.KeptPerSource ? DebugEvent.PayloadOf(JsonMarshal.GetRawUtf8Value(e)) : null;
            if (error is not null)
            {
                rejected.Add(new(i, error));
                debug.Add(new(i, type, name, messageId, userId, anonymousId, error, receivedAt) { Payload = payload });
                continue;
            }

            messageId ??= $"monfri-{Guid.CreateVersion7(receivedAt):N}";
            WriteNormalized(writer, e, type!, userId, anonymousId, messageId, batchSentAt, batchContext, batchIntegrations, received);
            accepted++;
            debug.Add(new(i, type, name, messageId, userId, anonymousId, null, receivedAt) { Payload = payload });
        }

        writer.WriteEndArray();
        writer.Flush();
        return new CollectedBatch(buffer.WrittenSpan.ToArray(), accepted, rejected, debug, writeKey);
    }

    private static string? Validate(JsonElement e, string? pathType, out string? type, out string? userId, out string? anonymousId, out string? messageId)
    {
        type = pathType;
        userId = anonymousId = messageId = null;
        if (e.ValueKind != JsonValueKind.Object)
        {
            return "An event must be a JSON object.";
        }

        if (JsonMarshal.GetRawUtf8Value(e).Length > CollectionLimits.MaxEventBytes)
        {
            return $"The event is larger than {CollectionLimits.MaxEventBytes / 1024} KB.";
        }

        if (e.TryGetProperty("type", out var t))
        {
            var declared = t.ValueKind == JsonValueKind.String ? t.GetString()?.Trim().ToLowerInvariant() : null;
            if (pathType is null)
            {
                type = declared;
            }
        }

        if (type is null || !CollectionLimits.Types.Contains(type))
        {
            return $"\"type\" must be one of {string.Join(", ", CollectionLimits.Types)}.";
        }

        if (!ReadId(e, "userId", out userId) || !ReadId(e, "anonymousId", out anonymousId))
        {
            return "\"userId\" and \"anonymousId\" must be strings.";
        }

        if (!IdentityTypes.IsUsable(userId, EmptySet) && !IdentityTypes.IsUsable(anonymousId, EmptySet))
        {
            return userId is null && anonymousId is null
                ? "The event needs a \"userId\" or an \"anonymousId\"."
                : $"The event needs a usable \"userId\" or \"anonymousId\" (\"{userId ?? anonymousId}\" is not an identifier).";
        }

        if (e.TryGetProperty("messageId", out var m) && m.ValueKind != JsonValueKind.Null)
        {
            if (m.ValueKind != JsonValueKind.String)
            {
                return "\"messageId\" must be a string.";
            }

            messageId = m.GetString();
            if (messageId!.Length > CollectionLimits.MaxMessageIdLength)
            {
                return $"\"messageId\" must be shorter than {CollectionLimits.MaxMessageIdLength} characters.";
            }

            if (string.IsNullOrWhiteSpace(messageId))
            {
                messageId = null;
            }
        }

        foreach (var field in (string[])["timestamp", "originalTimestamp", "sentAt"])
        {
            if (e.TryGetProperty(field, out var ts) && ts.ValueKind != JsonValueKind.Null && !IsDate(ts))
            {
                return $"\"{field}\" must be an ISO-8601 date.";
            }
        }

        foreach (var field in (string[])["properties", "traits", "context", "integrations"])
        {
            if (e.TryGetProperty(field, out var obj) && obj.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
            {
                return $"\"{field}\" must be an object.";
            }
        }

        switch (type)
        {
            case "track" when !e.TryGetProperty("event", out var ev) || ev.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(ev.GetString()):
                return "A track call needs an \"event\" name (a string).";
            case "track" when e.GetProperty("event").GetString()!.Length > 200:
                return "The \"event\" name must be at most 200 characters.";
            case "alias" when !ReadId(e, "previousId", out var previous) || string.IsNullOrWhiteSpace(previous):
                return "An alias call needs a \"previousId\" (a string).";
            case "alias" when string.IsNullOrWhiteSpace(userId):
                return "An alias call needs the \"userId\" the previous id becomes.";
            case "group" when !ReadId(e, "groupId", out var group) || string.IsNullOrWhiteSpace(group):
                return "A group call needs a \"groupId\" (a string).";
            default:
                return null;
        }
    }

    /// <summary>
    /// Text PostgreSQL cannot store in jsonb (invalid UTF-8, <c>\u0000</c>, unpaired surrogate escapes) is refused
    /// here, per event, rather than failing a worker's transaction later.
    /// </summary>
    private static string? StorableText(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var raw = JsonMarshal.GetRawUtf8Value(e);
        if (!System.Text.Unicode.Utf8.IsValid(raw))
        {
            return "The event contains text that is not valid UTF-8.";
        }

        // Backslashes only occur in JSON as escapes, so a left-to-right scan that skips each escape sees them all.
        for (var i = 0; i + 1 < raw.Length; i++)
        {
            if (raw[i] != (byte)'\\')
            {
                continue;
            }

            if (raw[i + 1] != (byte)'u' || i + 5 >= raw.Length)
            {
                i++;
                continue;
            }

            var code = Hex(raw.Slice(i + 2, 4));
            if (code == 0)
            {
                return "The event contains a \\u0000 character, which cannot be stored.";
            }

            if (code is >= 0xD800 and <= 0xDBFF)
            {
                if (i + 11 < raw.Length && raw[i + 6] == (byte)'\\' && raw[i + 7] == (byte)'u' && Hex(raw.Slice(i + 8, 4)) is >= 0xDC00 and <= 0xDFFF)
                {
                    i += 11;
                    continue;
                }

                return "The event contains an unpaired UTF-16 surrogate escape, which cannot be stored.";
            }

            if (code is >= 0xDC00 and <= 0xDFFF)
            {
                return "The event contains an unpaired UTF-16 surrogate escape, which cannot be stored.";
            }

            i += 5;
        }

        return null;
    }

    private static int Hex(ReadOnlySpan<byte> digits) =>
        int.TryParse(System.Text.Encoding.ASCII.GetString(digits), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code) ? code : -1;

    private static readonly IReadOnlySet<string> EmptySet = new HashSet<string>();

    /// <summary>Ids may come as strings or numbers (some server libraries send numeric user ids); nothing else.</summary>
    private static bool ReadId(JsonElement e, string name, out string? value)
    {
        value = null;
        if (!e.TryGetProperty(name, out var p) || p.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        switch (p.ValueKind)
        {
            case JsonValueKind.String:
                value = p.GetString()!.Trim();
                value = value.Length == 0 ? null : value;
                return true;
            case JsonValueKind.Number:
                value = p.GetRawText();
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// What the debugger's Name column shows: a track's event name; a page's or screen's name, else its title,
    /// else its path or URL (from <c>properties</c>, else <c>context.page</c>) — browser clients often send no name.
    /// </summary>
    private static string? DebugName(JsonElement e, string? type)
    {
        if (type == "track")
        {
            return Text(e, "event");
        }

        var name = Text(e, "name");
        if (!string.IsNullOrWhiteSpace(name) || type is not ("page" or "screen"))
        {
            return name;
        }

        var properties = e.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
        var page = e.TryGetProperty("context", out var c) && c.ValueKind == JsonValueKind.Object && c.TryGetProperty("page", out var cp) && cp.ValueKind == JsonValueKind.Object ? cp : default;
        foreach (var field in (string[])["title", "path", "url"])
        {
            foreach (var holder in new[] { properties, page })
            {
                if (holder.ValueKind == JsonValueKind.Object && Text(holder, field) is { } value && !string.IsNullOrWhiteSpace(value))
                {
                    return value;
                }
            }
        }

        return name;
    }

    /// <summary>A string property, if the event has one that is valid text; for the debugger's best-effort reading.</summary>
    private static string? Text(JsonElement e, string name)
    {
        try
        {
            return e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        }
        catch (InvalidOperationException)
        {
            return null; // not valid UTF-8
        }
    }

    private static bool IsDate(JsonElement e) =>
        e.ValueKind == JsonValueKind.String
        && DateTimeOffset.TryParse(e.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _);

    private static void WriteNormalized(
        Utf8JsonWriter w, JsonElement e, string type, string? userId, string? anonymousId, string messageId,
        string? batchSentAt, JsonElement batchContext, JsonElement batchIntegrations, string receivedAt)
    {
        w.WriteStartObject();
        foreach (var p in e.EnumerateObject())
        {
            switch (p.Name)
            {
                case "type" or "userId" or "anonymousId" or "messageId" or "receivedAt" or "writeKey":
                    continue;
                case "context" when batchContext.ValueKind == JsonValueKind.Object:
                    continue;
                case "integrations" when batchIntegrations.ValueKind == JsonValueKind.Object:
                    continue;
                case "sentAt" when p.Value.ValueKind == JsonValueKind.Null:
                    continue;
                default:
                    p.WriteTo(w);
                    break;
            }
        }

        w.WriteString("type", type);
        w.WriteString("messageId", messageId);
        w.WriteString("receivedAt", receivedAt);
        if (userId is not null)
        {
            w.WriteString("userId", userId);
        }

        if (anonymousId is not null)
        {
            w.WriteString("anonymousId", anonymousId);
        }

        var hasOwnSentAt = e.TryGetProperty("sentAt", out var own) && own.ValueKind != JsonValueKind.Null;
        if (batchSentAt is not null && !hasOwnSentAt)
        {
            w.WriteString("sentAt", batchSentAt);
        }

        MergeObject(w, "context", e, batchContext);
        MergeObject(w, "integrations", e, batchIntegrations);
        w.WriteEndObject();
    }

    /// <summary>Batch-level object merged key by key under the event's own, which wins.</summary>
    private static void MergeObject(Utf8JsonWriter w, string name, JsonElement e, JsonElement batchLevel)
    {
        if (batchLevel.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        e.TryGetProperty(name, out var own);
        w.WriteStartObject(name);
        foreach (var p in batchLevel.EnumerateObject())
        {
            if (own.ValueKind != JsonValueKind.Object || !own.TryGetProperty(p.Name, out _))
            {
                p.WriteTo(w);
            }
        }

        if (own.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in own.EnumerateObject())
            {
                p.WriteTo(w);
            }
        }

        w.WriteEndObject();
    }
}
