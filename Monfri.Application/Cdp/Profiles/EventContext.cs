using System.Text.Json;

namespace Monfri.Application.Cdp.Profiles;

/// <summary>Where and on what a person was, read from an event's Segment context.</summary>
public sealed record DeviceSummary(string? Browser, string? Os, string? Locale, string? Timezone, string? Location);

public static class EventContext
{
    public static DeviceSummary? Summarize(string? contextJson)
    {
        if (string.IsNullOrEmpty(contextJson))
        {
            return null;
        }

        using var doc = JsonDocument.Parse(contextJson);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var ua = Text(root, "userAgent");
        string? location = null;
        if (root.TryGetProperty("location", out var loc) && loc.ValueKind == JsonValueKind.Object)
        {
            var parts = new[] { Text(loc, "city"), Text(loc, "region"), Text(loc, "country") }.Where(p => !string.IsNullOrWhiteSpace(p));
            location = string.Join(", ", parts) is { Length: > 0 } joined ? joined : null;
        }

        return new DeviceSummary(Browser(ua), Os(ua), Text(root, "locale"), Text(root, "timezone"), location);
    }

    /// <summary>The page a page view or event happened on: properties.url, else context.page.url, else the path.</summary>
    public static (string? Url, string? Title, string? Referrer) Page(string? propertiesJson, string? contextJson)
    {
        string? url = null, title = null, referrer = null;
        foreach (var json in new[] { propertiesJson, contextJson })
        {
            if (string.IsNullOrEmpty(json))
            {
                continue;
            }

            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            var page = root.TryGetProperty("page", out var p) && p.ValueKind == JsonValueKind.Object ? p : root;
            url ??= Text(page, "url") ?? Text(page, "path");
            title ??= Text(page, "title");
            referrer ??= Text(page, "referrer");
        }

        return (url, title, referrer);
    }

    /// <summary>The campaign a visit came from (context.campaign), as "source / medium / name".</summary>
    public static string? Campaign(string? contextJson)
    {
        if (string.IsNullOrEmpty(contextJson))
        {
            return null;
        }

        using var doc = JsonDocument.Parse(contextJson);
        if (doc.RootElement.ValueKind != JsonValueKind.Object
            || !doc.RootElement.TryGetProperty("campaign", out var c) || c.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var parts = new[] { Text(c, "source"), Text(c, "medium"), Text(c, "name") }.Where(p => !string.IsNullOrWhiteSpace(p));
        return string.Join(" / ", parts) is { Length: > 0 } joined ? joined : null;
    }

    // Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari".
    private static string? Browser(string? ua) => ua switch
    {
        null => null,
        _ when ua.Contains("Edg/", StringComparison.Ordinal) => "Edge",
        _ when ua.Contains("OPR/", StringComparison.Ordinal) => "Opera",
        _ when ua.Contains("Firefox/", StringComparison.Ordinal) => "Firefox",
        _ when ua.Contains("Chrome/", StringComparison.Ordinal) || ua.Contains("CriOS/", StringComparison.Ordinal) => "Chrome",
        _ when ua.Contains("Safari/", StringComparison.Ordinal) => "Safari",
        _ => "Other browser",
    };

    private static string? Os(string? ua) => ua switch
    {
        null => null,
        _ when ua.Contains("Android", StringComparison.Ordinal) => "Android",
        _ when ua.Contains("iPhone", StringComparison.Ordinal) || ua.Contains("iPad", StringComparison.Ordinal) => "iOS",
        _ when ua.Contains("Windows", StringComparison.Ordinal) => "Windows",
        _ when ua.Contains("Mac OS X", StringComparison.Ordinal) => "macOS",
        _ when ua.Contains("Linux", StringComparison.Ordinal) => "Linux",
        _ => null,
    };

    private static string? Text(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
