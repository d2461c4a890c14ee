using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using Monfri.Domain.Cdp;

namespace Monfri.Infrastructure.Ingestion;

/// <summary>One event read back from the intake, with what resolution and storage need pulled out of its JSON.</summary>
public sealed class IngestEvent
{
    private static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public required Guid SourceId { get; init; }
    public required string MessageId { get; init; }
    public required string Type { get; init; }
    public string? Name { get; init; }
    public DateTimeOffset ReceivedAt { get; init; }
    public DateTimeOffset Timestamp { get; init; }
    public DateTimeOffset? SentAt { get; init; }
    public DateTimeOffset? OriginalTimestamp { get; init; }
    public string? UserId { get; init; }
    public string? AnonymousId { get; init; }
    public string? PreviousId { get; init; }
    public string? Email { get; init; }
    public IReadOnlyList<(string Type, string Value)> ExternalIds { get; init; } = [];
    public string? PropertiesJson { get; init; }
    public string? ContextJson { get; init; }
    public JsonElement? Traits { get; init; }

    /// <summary>Where this visit came from, when the event is a marketing touch (built-in first/last touch traits).</summary>
    public Monfri.Application.Cdp.Traits.Touch? Touch { get; init; }

    /// <summary>The company an identify or group call names (<see cref="CompanyLinks"/>).</summary>
    public EventCompany? Company { get; init; }

    public Guid PersonId { get; set; }

    /// <summary>Where the event arrived: its intake request's id, then its place in that request (<see cref="ArrivalOf"/>).</summary>
    public long Arrival { get; init; }

    /// <summary>Arrival order as one number: the intake request's id (a sequence) above the event's index in it.</summary>
    public static long ArrivalOf(long intakeId, int index) => (intakeId << 12) + (index & 0xFFF);

    /// <summary>
    /// The stored event's id: a UUIDv7 of its timestamp whose next 63 bits are <see cref="Arrival"/> (then 11
    /// random bits). Timelines order by (timestamp, id); events sharing a timestamp — a batch sent without
    /// timestamps gets one for all — then follow the order they were sent in, where a random UUIDv7 shuffled them.
    /// </summary>
    public Guid StoredId()
    {
        Span<byte> bytes = stackalloc byte[16];
        var ms = (ulong)Math.Max(0, Timestamp.ToUnixTimeMilliseconds());
        var arrival = (ulong)Arrival & 0x7FFF_FFFF_FFFF_FFFF;
        var high12 = arrival >> 51;
        var randB = ((arrival & ((1UL << 51) - 1)) << 11) | (uint)Random.Shared.Next(0, 1 << 11);
        BinaryPrimitives.WriteUInt64BigEndian(bytes, (ms << 16) | 0x7000 | high12);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], (randB & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000);
        return new Guid(bytes, bigEndian: true);
    }

    public static IngestEvent Read(Guid sourceId, JsonElement e, long arrival = 0)
    {
        var type = e.GetProperty("type").GetString()!;
        var receivedAt = Date(e, "receivedAt") ?? DateTimeOffset.UtcNow;
        var sentAt = Date(e, "sentAt");
        var original = Date(e, "originalTimestamp") ?? Date(e, "timestamp");
        e.TryGetProperty("context", out var context);
        var traits = type is "identify" or "group" && e.TryGetProperty("traits", out var t) && t.ValueKind == JsonValueKind.Object ? t
            : context.ValueKind == JsonValueKind.Object && context.TryGetProperty("traits", out var ct) && ct.ValueKind == JsonValueKind.Object ? ct
            : (JsonElement?)null;
        var payload = type is "identify" or "group" ? traits
            : e.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object ? p : (JsonElement?)null;
        return new IngestEvent
        {
            SourceId = sourceId,
            Arrival = arrival,
            MessageId = e.GetProperty("messageId").GetString()!,
            Type = type,
            Name = String(e, type == "track" ? "event" : "name") ?? (type == "group" ? String(e, "groupId") : null),
            ReceivedAt = receivedAt,
            SentAt = sentAt,
            OriginalTimestamp = original,
            Timestamp = Correct(receivedAt, sentAt, original),
            UserId = String(e, "userId"),
            AnonymousId = String(e, "anonymousId"),
            PreviousId = type == "alias" ? Id(e, "previousId") : null,
            // group traits describe the company, not the person: their email is not the person's.
            Email = type != "group" && traits is { } tr ? EmailOf(tr) : null,
            ExternalIds = ExternalIdsOf(context),
            PropertiesJson = type is "page" or "screen" ? WithCategory(payload, String(e, "category")) : payload?.GetRawText(),
            ContextJson = context.ValueKind == JsonValueKind.Object ? context.GetRawText() : null,
            Traits = type == "identify" ? traits?.Clone() : null,
            Touch = Monfri.Application.Cdp.Traits.Touch.Of(type, context, payload),
            Company = type is "identify" or "group" ? CompanyLinks.Of(type, traits, type == "group" ? Id(e, "groupId") : null) : null,
        };
    }

    /// <summary>
    /// Clock-skew correction: <c>timestamp = receivedAt − (sentAt − originalTimestamp)</c>; without sentAt the
    /// client's time as sent; without any, receivedAt. A result before 2000 or more than a day ahead of arrival
    /// is a broken clock (1970, 9999), and receivedAt is used instead; the client's value stays in
    /// <c>original_timestamp</c>.
    /// </summary>
    public static DateTimeOffset Correct(DateTimeOffset receivedAt, DateTimeOffset? sentAt, DateTimeOffset? original)
    {
        DateTimeOffset corrected;
        try
        {
            corrected = original is null ? receivedAt : sentAt is null ? original.Value : receivedAt - (sentAt.Value - original.Value);
        }
        catch (ArgumentOutOfRangeException)
        {
            return receivedAt;
        }

        return corrected < Earliest || corrected > receivedAt.AddDays(1) ? receivedAt : corrected;
    }

    /// <summary>
    /// A page's or screen's <c>category</c> kept in its properties: analytics.js and analytics-node put it there
    /// themselves, RudderStack's SDKs (and the HTTP spec) send it beside <c>name</c>, where it would be lost.
    /// </summary>
    private static string? WithCategory(JsonElement? properties, string? category)
    {
        if (category is null || properties is { } own && own.TryGetProperty("category", out _))
        {
            return properties?.GetRawText();
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (properties is { } p)
            {
                foreach (var property in p.EnumerateObject())
                {
                    property.WriteTo(writer);
                }
            }

            writer.WriteString("category", category);
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string? String(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string? Id(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString()?.Trim(),
            JsonValueKind.Number => v.GetRawText(),
            _ => null,
        } : null;

    private static DateTimeOffset? Date(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
        && DateTimeOffset.TryParse(v.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at.ToUniversalTime()
            : null;

    private static string? EmailOf(JsonElement traits) =>
        traits.TryGetProperty("email", out var v) && v.ValueKind == JsonValueKind.String && v.GetString()!.Contains('@')
            ? v.GetString()!.Trim().ToLowerInvariant()
            : null;

    private static List<(string, string)> ExternalIdsOf(JsonElement context)
    {
        if (context.ValueKind != JsonValueKind.Object || !context.TryGetProperty("externalIds", out var ids) || ids.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        var result = new List<(string, string)>();
        foreach (var id in ids.EnumerateArray().Take(20))
        {
            if (id.ValueKind == JsonValueKind.Object
                && IdentityTypes.NormalizeCustomType(String(id, "type")) is { } type
                && type is not (IdentityTypes.AnonymousId or IdentityTypes.UserId)
                && Id(id, "id") is { Length: > 0 } value)
            {
                result.Add((type, type == IdentityTypes.Email ? value.ToLowerInvariant() : value));
            }
        }

        return result;
    }
}
