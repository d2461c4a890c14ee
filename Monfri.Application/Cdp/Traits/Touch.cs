using System.Text.Json;
using System.Text.RegularExpressions;

namespace Monfri.Application.Cdp.Traits;

/// <summary>
/// A marketing touch (first-touch / last-touch built-in traits): where a visit came from. The only place the rules
/// live: ingest decides it while the event's JSON is parsed anyway (the claim sends three short strings per touch),
/// and a rebuild from stored events (<c>TouchRebuild</c> in Infrastructure) reads the same parts of the stored JSON and calls
/// the same method, so the two cannot drift apart.
/// <list type="number">
/// <item>A tagged visit: UTM values from <c>context.campaign</c>, else the <c>utm_*</c> parameters of the page's URL
/// (<c>properties.url</c> of a page or screen call, else <c>context.page.url</c>; server-side senders and many SDK
/// setups send only the URL). A click id fills what the tags leave out — <c>gclid</c> google/cpc,
/// <c>msclkid</c> bing/cpc, <c>fbclid</c> facebook/paid_social, <c>li_fat_id</c> linkedin/paid_social. Tags win
/// over the referrer, on any event type (analytics.js stamps <c>context.campaign</c> on every call).</item>
/// <item>Otherwise a page or screen view not referred by the same site: a search engine's referrer is
/// <c>{engine} / organic</c>, a social network's <c>{network} / social</c>, any other site
/// <c>{host} / referral</c>, no referrer <c>direct / (none)</c>. A click within the site is no touch.</item>
/// </list>
/// </summary>
public sealed partial record Touch(string Source, string Medium, string? Campaign)
{
    private const int MaxLength = 200;

    public static Touch? Of(string type, JsonElement context, JsonElement? properties)
    {
        var view = type is "page" or "screen";
        var own = view ? properties ?? default : default;
        var page = Object(context, "page");
        var url = Raw(own, "url") ?? Raw(page, "url");

        var campaign = Object(context, "campaign");
        var (source, medium, name) = (Text(campaign, "source"), Text(campaign, "medium"), Text(campaign, "name"));
        var query = QueryOf(url) ?? Raw(own, "search") ?? Raw(page, "search");
        (string Source, string Medium)? click = null;
        if (query is not null)
        {
            var tags = Parameters(query);
            if (source is null && medium is null && name is null)
            {
                (source, medium, name) = (tags.GetValueOrDefault("utm_source"), tags.GetValueOrDefault("utm_medium"), tags.GetValueOrDefault("utm_campaign"));
            }

            click = tags.ContainsKey("gclid") ? ("google", "cpc")
                : tags.ContainsKey("msclkid") ? ("bing", "cpc")
                : tags.ContainsKey("fbclid") ? ("facebook", "paid_social")
                : tags.ContainsKey("li_fat_id") ? ("linkedin", "paid_social")
                : null;
        }

        if (source is not null || medium is not null || name is not null || click is not null)
        {
            return new Touch(source ?? click?.Source ?? "(not set)", medium ?? click?.Medium ?? "(not set)", name);
        }

        if (!view)
        {
            return null;
        }

        var referrer = HostOf(Raw(own, "referrer") ?? Raw(page, "referrer"));
        if (referrer is not null && referrer == HostOf(url))
        {
            // A click within the site is part of the same visit, not a new touch.
            return null;
        }

        return referrer is null ? new Touch("direct", "(none)", null)
            : SearchEngine(referrer) is { } engine ? new Touch(engine, "organic", null)
            : SocialNetwork(referrer) is { } network ? new Touch(network, "social", null)
            : new Touch(Cut(referrer)!, "referral", null);
    }

    /// <summary>The engine a referring host belongs to (<c>google.co.uk</c> → google), or none.</summary>
    private static string? SearchEngine(string host)
    {
        if (CountryDomain().Match(host) is { Success: true } m)
        {
            return m.Groups[1].Value;
        }

        return host switch
        {
            "bing.com" or "cn.bing.com" => "bing",
            "search.yahoo.com" or "yahoo.com" or "search.yahoo.co.jp" => "yahoo",
            "duckduckgo.com" or "html.duckduckgo.com" => "duckduckgo",
            "baidu.com" or "m.baidu.com" => "baidu",
            "ecosia.org" => "ecosia",
            "search.brave.com" => "brave",
            "qwant.com" => "qwant",
            "startpage.com" => "startpage",
            "ask.com" => "ask",
            "naver.com" or "search.naver.com" => "naver",
            "seznam.cz" or "search.seznam.cz" => "seznam",
            "sogou.com" => "sogou",
            "search.aol.com" => "aol",
            _ => null,
        };
    }

    /// <summary>The network a referring host (or one of its sub-domains: <c>l.facebook.com</c>) belongs to, or none.</summary>
    private static string? SocialNetwork(string host)
    {
        foreach (var (domain, network) in Networks)
        {
            if (host == domain || host.EndsWith("." + domain, StringComparison.Ordinal))
            {
                return network;
            }
        }

        return null;
    }

    private static readonly (string Domain, string Network)[] Networks =
    [
        ("facebook.com", "facebook"), ("fb.com", "facebook"), ("fb.me", "facebook"), ("instagram.com", "instagram"),
        ("linkedin.com", "linkedin"), ("lnkd.in", "linkedin"), ("twitter.com", "twitter"), ("t.co", "twitter"), ("x.com", "twitter"),
        ("reddit.com", "reddit"), ("youtube.com", "youtube"), ("youtu.be", "youtube"), ("pinterest.com", "pinterest"),
        ("tiktok.com", "tiktok"), ("threads.net", "threads"), ("bsky.app", "bluesky"), ("tumblr.com", "tumblr"),
        ("quora.com", "quora"), ("vk.com", "vk"), ("weibo.com", "weibo"), ("mastodon.social", "mastodon"), ("xing.com", "xing"),
    ];

    /// <summary>The query of a URL (after <c>?</c>, before <c>#</c>), or none.</summary>
    private static string? QueryOf(string? url)
    {
        var start = url?.IndexOf('?', StringComparison.Ordinal) ?? -1;
        if (start < 0)
        {
            return null;
        }

        var end = url!.IndexOf('#', start);
        return end < 0 ? url[(start + 1)..] : url[(start + 1)..end];
    }

    /// <summary>A query's parameters by lower-case name, percent-decoded, the first non-empty value of each.</summary>
    private static Dictionary<string, string> Parameters(string query)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Decode(equals < 0 ? pair : pair[..equals]).Trim().ToLowerInvariant();
            var value = equals < 0 ? "" : Decode(pair[(equals + 1)..]).Trim();
            if (key.Length > 0 && (value.Length > 0 || key is "gclid" or "msclkid" or "fbclid" or "li_fat_id"))
            {
                result.TryAdd(key, Cut(value)!);
            }
        }

        return result;
    }

    private static string Decode(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));

    /// <summary>Any JSON value as text (numbers as written), empty as none, at most 200 characters.</summary>
    private static string? Text(JsonElement parent, string name) => Cut(Raw(parent, name)?.Trim()) is { Length: > 0 } text ? text : null;

    private static JsonElement Object(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : default;

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

    /// <summary>Engines with a domain per country: <c>google.de</c>, <c>google.co.uk</c>, <c>yandex.ru</c>.</summary>
    [GeneratedRegex(@"^(google|yandex)\.(?:com?\.)?[a-z]{2,3}$", RegexOptions.CultureInvariant)]
    private static partial Regex CountryDomain();
}

/// <summary>
/// The marketing channel of a touch, from its source and medium (a short form of the usual default channel
/// grouping), so paid and organic search, paid and organic social, email and referrals read apart.
/// </summary>
public static class TouchChannel
{
    public static string Of(string source, string medium)
    {
        var m = medium.ToLowerInvariant();
        var social = IsSocial(source.ToLowerInvariant());
        return m switch
        {
            "(none)" when source == "direct" => "Direct",
            "organic" => "Organic search",
            "paid_social" or "paidsocial" or "paid-social" or "social_paid" or "social-paid" => "Paid social",
            "cpc" or "ppc" or "paid" or "paidsearch" or "paid_search" or "paid-search" or "retargeting" => social ? "Paid social" : "Paid search",
            "social" or "social-network" or "social_network" or "social-media" or "social_media" or "sm" => "Organic social",
            "email" or "e-mail" or "e_mail" or "newsletter" => "Email",
            "affiliate" or "affiliates" => "Affiliates",
            "display" or "cpm" or "banner" => "Display",
            "referral" => social ? "Organic social" : "Referral",
            _ => "Other",
        };
    }

    private static bool IsSocial(string source) => source is "facebook" or "instagram" or "linkedin" or "twitter" or "x" or "reddit"
        or "youtube" or "pinterest" or "tiktok" or "threads" or "bluesky" or "tumblr" or "quora" or "vk" or "weibo" or "mastodon" or "xing"
        or "fb" or "ig" or "meta";
}
