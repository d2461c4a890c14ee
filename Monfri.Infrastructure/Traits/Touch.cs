using System.Text.Json;
using System.Text.RegularExpressions;

namespace Monfri.Infrastructure.Traits;

/// <summary>
/// A marketing touch (first-touch / last-touch built-in traits): where a visit came from. The same rules as the
/// SQL that rebuilds the stats from stored events (<c>ComputedTraitSql.AddStats</c>), decided here once per event
/// while its JSON is parsed anyway, so the ingest claim sends three short strings per touch instead of the event's
/// properties and context for PostgreSQL to parse again:
/// a UTM campaign (<c>context.campaign</c>) is a touch with its source/medium/name; otherwise a page or screen
/// view is one when it was not referred by the same site — the referring host as source with medium
/// <c>referral</c>, or <c>direct</c> without a referrer.
/// </summary>
public sealed partial record Touch(string Source, string Medium, string? Campaign)
{
    private const int MaxLength = 200;

    public static Touch? Of(string type, JsonElement context, JsonElement? properties)
    {
        var campaign = context.ValueKind == JsonValueKind.Object && context.TryGetProperty("campaign", out var c) && c.ValueKind == JsonValueKind.Object ? c : default;
        var (source, medium, name) = (Text(campaign, "source"), Text(campaign, "medium"), Text(campaign, "name"));
        if (source is not null || medium is not null || name is not null)
        {
            return new Touch(source ?? "(not set)", medium ?? "(not set)", name);
        }

        if (type is not ("page" or "screen"))
        {
            return null;
        }

        var page = context.ValueKind == JsonValueKind.Object && context.TryGetProperty("page", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
        var referrer = HostOf(Raw(properties ?? default, "referrer") ?? Raw(page, "referrer"));
        var url = HostOf(Raw(properties ?? default, "url") ?? Raw(page, "url"));
        if (referrer is not null && referrer == url)
        {
            // A click within the site is part of the same visit, not a new touch.
            return null;
        }

        return referrer is null ? new Touch("direct", "(none)", null) : new Touch(Cut(referrer)!, "referral", null);
    }

    /// <summary>As SQL's <c>nullif(left(x, 200), '')</c> over <c>#>></c>: any JSON value as text, empty as none.</summary>
    private static string? Text(JsonElement parent, string name) => Cut(Raw(parent, name)) is { Length: > 0 } text ? text : null;

    private static string? Raw(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            _ => v.GetRawText(),
        } : null;

    private static string? Cut(string? text) => text is { Length: > MaxLength } ? text[..MaxLength] : text;

    private static string? HostOf(string? url) =>
        url is not null && HostPattern().Match(url) is { Success: true } m ? WwwPrefix().Replace(m.Groups[1].Value.ToLowerInvariant(), "") : null;

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/]*@)?([^/:?#]+)", RegexOptions.CultureInvariant)]
    private static partial Regex HostPattern();

    [GeneratedRegex(@"^www\.", RegexOptions.CultureInvariant)]
    private static partial Regex WwwPrefix();
}
