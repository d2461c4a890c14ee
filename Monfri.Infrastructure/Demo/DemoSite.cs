using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Bogus;

namespace Monfri.Infrastructure.Demo;

/// <summary>How a visit reached the demo website: a UTM campaign, a referring site, or nothing (direct).</summary>
internal sealed record DemoChannel(string Key, string? Referrer, DemoCampaign? Campaign, string[] Landings);

/// <summary>UTM parameters as analytics.js reads them from the landing URL into <c>context.campaign</c>.</summary>
internal sealed record DemoCampaign(string Name, string Source, string Medium, string? Term = null, string? Content = null)
{
    public string Query
    {
        get
        {
            var query = new StringBuilder($"?utm_source={Uri.EscapeDataString(Source)}&utm_medium={Uri.EscapeDataString(Medium)}&utm_campaign={Uri.EscapeDataString(Name)}");
            if (Term is not null)
            {
                query.Append("&utm_term=").Append(Uri.EscapeDataString(Term));
            }

            if (Content is not null)
            {
                query.Append("&utm_content=").Append(Uri.EscapeDataString(Content));
            }

            return query.ToString();
        }
    }
}

/// <summary>The browser a visitor uses, as the browser SDK reports it.</summary>
internal sealed record DemoDevice(string Kind, string UserAgent);

/// <summary>Where a visitor is: the browser's locale and time zone (and that zone's offset in December, for their daily rhythm).</summary>
internal sealed record DemoLocation(string Locale, string TimeZone, int UtcOffsetHours);

/// <summary>One visit's fixed facts: who (anonymous id, user id once known), with what, from where.</summary>
internal sealed record DemoVisitor(string AnonymousId, DemoDevice Device, DemoLocation Location)
{
    public string? UserId { get; set; }
}

internal enum DemoCall
{
    Page,
    Identify,
    Track,
}

/// <summary>
/// One generated event. Browser events (website source) are written as analytics.js sends them; server events
/// (backend source) as analytics-node does — so the collection API and the workers see nothing unusual.
/// </summary>
internal sealed class DemoEvent
{
    public required DemoCall Call { get; init; }
    public required bool Server { get; init; }
    public required DateTimeOffset At { get; init; }
    public required string MessageId { get; init; }
    public string? AnonymousId { get; init; }
    public string? UserId { get; init; }
    public string? Event { get; init; }
    public DemoVisitor? Visitor { get; init; }

    /// <summary>The page the browser is on (also for identify and track calls, as analytics.js sends it).</summary>
    public DemoPageView? Page { get; init; }

    /// <summary>The campaign of the URL the visit landed on (analytics.js keeps it in <c>context.campaign</c> for that page's calls).</summary>
    public DemoCampaign? Campaign { get; init; }

    public IReadOnlyList<KeyValuePair<string, object>> Properties { get; init; } = [];

    /// <summary>identify traits, or — on server events — <c>context.traits</c> (a backend names the person it reports on).</summary>
    public IReadOnlyList<KeyValuePair<string, object>> Traits { get; init; } = [];
}

/// <summary>A page as the browser shows it: its URL (with any UTM query), title and referrer.</summary>
internal sealed record DemoPageView(string Path, string Title, string Search, string? Referrer)
{
    public string Url => DemoSite.Origin + Path + Search;
}

/// <summary>
/// The demo website's map, traffic sources, devices and places, and the JSON the official SDKs would send for an
/// event — shared by the 90-day history and the live traffic, so both look alike.
/// </summary>
internal static class DemoSite
{
    public const string Origin = "https://www.monfri-demo.example";
    public const string WebsiteSourceName = "Demo website";
    public const string BackendSourceName = "Demo backend";

    private const string BrowserLibrary = "analytics.js";
    private const string BrowserLibraryVersion = "npm:next-1.72.0";
    private const string ServerLibrary = "@segment/analytics-node";
    private const string ServerLibraryVersion = "2.2.0";

    public static readonly (string Path, string Title)[] Pages =
    [
        ("/", "Monfri — CRM and CDP in one"),
        ("/pricing", "Pricing — Monfri"),
        ("/features", "Features — Monfri"),
        ("/features/pipeline", "Pipeline board — Monfri"),
        ("/features/visitors", "Live visitors — Monfri"),
        ("/features/segments", "Segments — Monfri"),
        ("/customers", "Customer stories — Monfri"),
        ("/blog", "Blog — Monfri"),
        ("/blog/first-touch-vs-last-touch", "First touch vs last touch attribution"),
        ("/blog/self-hosted-cdp", "Why we self-host our customer data"),
        ("/blog/pipeline-hygiene", "Five habits of a clean pipeline"),
        ("/blog/segment-compatible-tracking", "Keep your Segment snippet, change the destination"),
        ("/blog/gdpr-for-marketers", "GDPR for marketers, without the lawyer speak"),
        ("/docs", "Documentation — Monfri"),
        ("/docs/getting-started", "Getting started — Monfri docs"),
        ("/docs/sources", "Sources and write keys — Monfri docs"),
        ("/docs/identify", "Identifying visitors — Monfri docs"),
        ("/docs/api", "REST API — Monfri docs"),
        ("/signup", "Start your free trial — Monfri"),
        ("/contact-sales", "Talk to sales — Monfri"),
    ];

    /// <summary>The product, after sign-up (the app sends page views with the user id).</summary>
    public static readonly (string Path, string Title)[] AppPages =
    [
        ("/app/dashboard", "Dashboard · Monfri"), ("/app/contacts", "Contacts · Monfri"), ("/app/pipeline", "Pipeline · Monfri"),
        ("/app/visitors", "Visitors · Monfri"), ("/app/reports", "Reports · Monfri"), ("/app/settings/billing", "Billing · Monfri"),
    ];

    public static readonly string[] Features =
        ["Pipeline board", "Live visitors", "Segments", "Reports", "Email campaigns", "Automations", "CSV import", "REST API"];

    public static readonly string[] Plans = ["Starter", "Growth", "Business"];

    private static readonly string[] Blog = [.. Pages.Where(p => p.Path.StartsWith("/blog/", StringComparison.Ordinal)).Select(p => p.Path)];
    private static readonly string[] Docs = [.. Pages.Where(p => p.Path.StartsWith("/docs", StringComparison.Ordinal)).Select(p => p.Path)];

    public static readonly DemoChannel Direct = new("direct", null, null, ["/", "/", "/pricing", "/docs"]);
    public static readonly DemoChannel Organic = new("organic", "https://www.google.com/", null, [.. Blog, .. Docs, "/", "/features"]);
    public static readonly DemoChannel Bing = new("organic", "https://www.bing.com/", null, [.. Blog, "/"]);
    public static readonly DemoChannel DuckDuckGo = new("organic", "https://duckduckgo.com/", null, [.. Docs, "/"]);
    public static readonly DemoChannel Social = new("social", "https://www.reddit.com/", null, Blog);
    public static readonly DemoChannel HackerNews = new("social", "https://news.ycombinator.com/", null, ["/blog/self-hosted-cdp", "/"]);
    public static readonly DemoChannel Twitter = new("social", "https://t.co/", null, [.. Blog, "/"]);

    public static readonly DemoChannel Newsletter = new("newsletter", null,
        new DemoCampaign("monthly-digest", "newsletter", "email", Content: "top-story"), Blog);

    public static readonly DemoChannel GoogleAds = new("google/cpc", "https://www.google.com/",
        new DemoCampaign("crm-software-search", "google", "cpc", Term: "crm software"), ["/pricing", "/features", "/"]);

    public static readonly DemoChannel LinkedIn = new("linkedin", "https://www.linkedin.com/",
        new DemoCampaign("q4-abm-decision-makers", "linkedin", "paid-social", Content: "carousel"), ["/features", "/customers", "/features/pipeline"]);

    public static readonly DemoChannel Partner = new("partner", "https://www.northwind-consulting.example/",
        new DemoCampaign("partner-referral", "partner", "referral", Content: "northwind"), ["/pricing", "/contact-sales", "/"]);

    /// <summary>Where anonymous traffic comes from: paid search brings many visitors who rarely sign up.</summary>
    public static readonly (DemoChannel Channel, double Weight)[] VisitorChannels =
    [
        (Organic, 22), (Bing, 3), (DuckDuckGo, 2), (Direct, 22), (GoogleAds, 20), (Social, 6), (HackerNews, 3), (Twitter, 4),
        (LinkedIn, 8), (Newsletter, 6), (Partner, 4),
    ];

    public static readonly (DemoDevice Device, double Weight)[] Devices =
    [
        (new("desktop", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"), 34),
        (new("desktop", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15"), 16),
        (new("desktop", "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"), 6),
        (new("desktop", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0"), 6),
        (new("mobile", "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"), 18),
        (new("mobile", "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36"), 14),
        (new("tablet", "Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"), 6),
    ];

    public static readonly (DemoLocation Location, double Weight)[] Locations =
    [
        (new("en-GB", "Europe/London", 0), 24), (new("de-DE", "Europe/Berlin", 1), 18), (new("fr-FR", "Europe/Paris", 1), 10),
        (new("nl-NL", "Europe/Amsterdam", 1), 10), (new("es-ES", "Europe/Madrid", 1), 5), (new("en-US", "America/New_York", -5), 18),
        (new("en-US", "America/Los_Angeles", -8), 9), (new("en-AU", "Australia/Sydney", 11), 6),
    ];

    /// <summary>Share of visits by local hour: quiet nights, a morning peak and a long afternoon.</summary>
    public static readonly double[] HourWeights =
        [0.4, 0.25, 0.15, 0.12, 0.12, 0.25, 0.6, 1.4, 2.6, 3.4, 3.6, 3.4, 2.8, 3.0, 3.3, 3.2, 2.9, 2.4, 1.8, 1.6, 1.5, 1.3, 1.0, 0.7];

    /// <summary>A stable user id for a demo contact's email: the backend would use its own account id the same way.</summary>
    public static string UserIdOf(string email) =>
        "usr_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(email.ToLowerInvariant())))[..16];

    public static (string Path, string Title) PageOf(string path) =>
        Array.Find(Pages, p => p.Path == path) is { Path: not null } page ? page : Array.Find(AppPages, p => p.Path == path);

    /// <summary>The next page of a visit on the marketing site; null ends the visit.</summary>
    public static string? NextPage(Randomizer random, string current, double intent)
    {
        if (random.Double() < (current == "/signup" ? 0.7 : 0.32))
        {
            return null;
        }

        var roll = random.Double();
        return current switch
        {
            _ when roll < 0.12 * intent => "/signup",
            _ when roll < 0.3 * intent + 0.05 => "/pricing",
            "/pricing" when roll < 0.6 => random.ArrayElement(["/features", "/contact-sales", "/customers"]),
            _ when current.StartsWith("/blog", StringComparison.Ordinal) && roll < 0.7 => random.ArrayElement([.. Blog, "/blog", "/"]),
            _ when current.StartsWith("/docs", StringComparison.Ordinal) && roll < 0.75 => random.ArrayElement(Docs),
            _ when roll < 0.8 => random.ArrayElement(["/features", "/features/pipeline", "/features/visitors", "/features/segments", "/"]),
            _ => random.ArrayElement(["/customers", "/blog", "/docs", "/"]),
        };
    }

    public static T Pick<T>(Randomizer random, (T Item, double Weight)[] choices)
    {
        var roll = random.Double() * choices.Sum(c => c.Weight);
        foreach (var (item, weight) in choices)
        {
            roll -= weight;
            if (roll < 0)
            {
                return item;
            }
        }

        return choices[^1].Item;
    }

    public static string MessageId(Randomizer random, bool server, DateTimeOffset at) =>
        $"{(server ? "node-next" : "ajs-next")}-{at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}-{random.Guid():D}";

    /// <summary>
    /// Writes <paramref name="e"/> as its SDK would. <paramref name="sentAt"/> is the client's clock when it sent
    /// the event (live traffic); null for history, which is sent like an import of past events: explicit
    /// timestamps and no sentAt, so the workers keep each event's own time instead of correcting it to arrival.
    /// </summary>
    public static void Write(Utf8JsonWriter w, DemoEvent e, DateTimeOffset? sentAt)
    {
        w.WriteStartObject();
        w.WriteString("type", e.Call switch { DemoCall.Page => "page", DemoCall.Identify => "identify", _ => "track" });
        w.WriteString("messageId", e.MessageId);
        w.WriteString("timestamp", Iso(e.At));
        if (sentAt is { } sent)
        {
            w.WriteString("sentAt", Iso(sent));
        }

        if (e.AnonymousId is not null)
        {
            w.WriteString("anonymousId", e.AnonymousId);
        }

        if (e.UserId is not null)
        {
            w.WriteString("userId", e.UserId);
        }

        if (e.Event is not null)
        {
            w.WriteString("event", e.Event);
        }

        if (e.Call == DemoCall.Identify)
        {
            WriteObject(w, "traits", e.Traits);
        }
        else if (e.Call == DemoCall.Page && e.Page is { } page)
        {
            w.WriteStartObject("properties");
            WritePage(w, page);
            w.WriteEndObject();
        }
        else
        {
            WriteObject(w, "properties", e.Properties);
        }

        w.WriteStartObject("context");
        if (e.Server)
        {
            if (e.Traits.Count > 0)
            {
                WriteObject(w, "traits", e.Traits);
            }

            w.WriteStartObject("library");
            w.WriteString("name", ServerLibrary);
            w.WriteString("version", ServerLibraryVersion);
            w.WriteEndObject();
        }
        else
        {
            if (e.Page is { } contextPage)
            {
                w.WriteStartObject("page");
                WritePage(w, contextPage);
                w.WriteEndObject();
            }

            if (e.Visitor is { } visitor)
            {
                w.WriteString("userAgent", visitor.Device.UserAgent);
                w.WriteString("locale", visitor.Location.Locale);
                w.WriteString("timezone", visitor.Location.TimeZone);
            }

            w.WriteStartObject("library");
            w.WriteString("name", BrowserLibrary);
            w.WriteString("version", BrowserLibraryVersion);
            w.WriteEndObject();
            if (e.Campaign is { } campaign)
            {
                w.WriteStartObject("campaign");
                w.WriteString("name", campaign.Name);
                w.WriteString("source", campaign.Source);
                w.WriteString("medium", campaign.Medium);
                if (campaign.Term is not null)
                {
                    w.WriteString("term", campaign.Term);
                }

                if (campaign.Content is not null)
                {
                    w.WriteString("content", campaign.Content);
                }

                w.WriteEndObject();
            }
        }

        w.WriteEndObject();
        w.WriteStartObject("integrations");
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WritePage(Utf8JsonWriter w, DemoPageView page)
    {
        w.WriteString("path", page.Path);
        w.WriteString("referrer", page.Referrer ?? "");
        w.WriteString("search", page.Search);
        w.WriteString("title", page.Title);
        w.WriteString("url", page.Url);
    }

    private static void WriteObject(Utf8JsonWriter w, string name, IReadOnlyList<KeyValuePair<string, object>> values)
    {
        w.WriteStartObject(name);
        foreach (var (key, value) in values)
        {
            w.WritePropertyName(key);
            switch (value)
            {
                case string text:
                    w.WriteStringValue(text);
                    break;
                case int number:
                    w.WriteNumberValue(number);
                    break;
                case decimal amount:
                    w.WriteNumberValue(amount);
                    break;
                case double real:
                    w.WriteNumberValue(real);
                    break;
                case bool flag:
                    w.WriteBooleanValue(flag);
                    break;
                default:
                    JsonSerializer.Serialize(w, value);
                    break;
            }
        }

        w.WriteEndObject();
    }

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
