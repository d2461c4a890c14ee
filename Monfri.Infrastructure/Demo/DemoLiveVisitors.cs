using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Bogus;

namespace Monfri.Infrastructure.Demo;

/// <summary>The next events as two <c>/v1/batch</c> bodies: the website's (browser SDK) and the backend's (server SDK); null when it has none.</summary>
public sealed record DemoLiveBatch(byte[]? Website, int WebsiteEvents, byte[]? Backend, int BackendEvents);

/// <summary>A demo contact the live traffic can bring back (loaded from the workspace when the generator starts).</summary>
public sealed record DemoLiveContact(string Email, string? FirstName, string? LastName);

/// <summary>
/// The people on the demo website right now: a few visits open at once, each a queue of events in the order a
/// browser would send them; <see cref="Take"/> hands out the next events across them. New anonymous visitors
/// arrive and browse (some sign up: a new contact), known contacts come back and use the product, and now and
/// then the suppressed person returns (their events are dropped by the workers).
/// </summary>
public sealed class DemoLiveVisitors
{
    private readonly Randomizer _random;
    private readonly IReadOnlyList<DemoLiveContact> _contacts;
    private readonly string? _suppressed;
    private readonly List<Queue<DemoEvent>> _open = [];
    private readonly HashSet<string> _identified = [];
    private readonly Faker _faker;

    public DemoLiveVisitors(IReadOnlyList<DemoLiveContact> contacts, string? suppressedEmail, int seed)
    {
        _random = new Randomizer(seed);
        _faker = new Faker("en") { Random = _random };
        _contacts = contacts;
        _suppressed = suppressedEmail;
    }

    /// <summary>Visits open at once: with ~6 events per visit, a few minutes of traffic shows that many people active.</summary>
    public int OpenVisits { get; init; } = 8;

    /// <summary>The next <paramref name="count"/> events as the requests to send now (timestamp and sentAt: now).</summary>
    public DemoLiveBatch Next(int count, DateTimeOffset now)
    {
        var events = Take(count, now);
        var website = events.Where(e => !e.Server).ToList();
        var backend = events.Where(e => e.Server).ToList();
        return new DemoLiveBatch(
            website.Count > 0 ? BatchBody(website, now) : null, website.Count,
            backend.Count > 0 ? BatchBody(backend, now) : null, backend.Count);
    }

    /// <summary>The next <paramref name="count"/> events, all stamped <paramref name="now"/> (they are sent now), in sending order.</summary>
    internal IReadOnlyList<DemoEvent> Take(int count, DateTimeOffset now)
    {
        var events = new List<DemoEvent>(count);
        while (events.Count < count)
        {
            while (_open.Count < OpenVisits)
            {
                _open.Add(new Queue<DemoEvent>(NewVisit()));
            }

            var visit = _open[_random.Int(0, _open.Count - 1)];
            var next = visit.Dequeue();
            events.Add(new DemoEvent
            {
                Call = next.Call, Server = next.Server, At = now, MessageId = DemoSite.MessageId(_random, next.Server, now), AnonymousId = next.AnonymousId,
                UserId = next.UserId, Event = next.Event, Visitor = next.Visitor, Page = next.Page, Campaign = next.Campaign,
                Properties = next.Properties, Traits = next.Traits,
            });
            if (visit.Count == 0)
            {
                _open.Remove(visit);
            }
        }

        return events;
    }

    /// <summary>A <c>/v1/batch</c> body, each event with its <c>sentAt</c>, as the SDKs send.</summary>
    internal static byte[] BatchBody(IEnumerable<DemoEvent> events, DateTimeOffset sentAt)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("batch");
            foreach (var e in events)
            {
                DemoSite.Write(writer, e, sentAt);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private List<DemoEvent> NewVisit()
    {
        var roll = _random.Double();
        if (_suppressed is not null && roll < 0.02)
        {
            return Returning(new DemoLiveContact(_suppressed, null, null));
        }

        return _contacts.Count > 0 && roll < 0.32 ? Returning(_contacts[_random.Int(0, _contacts.Count - 1)]) : Anonymous();
    }

    /// <summary>A new visitor from one of the channels, browsing the marketing site; about one in ten signs up.</summary>
    private List<DemoEvent> Anonymous()
    {
        var events = new List<DemoEvent>();
        var visitor = new DemoVisitor(Guid.NewGuid().ToString("D"), DemoSite.Pick(_random, DemoSite.Devices), DemoSite.Pick(_random, DemoSite.Locations));
        var channel = DemoSite.Pick(_random, DemoSite.VisitorChannels);
        var path = _random.ArrayElement(channel.Landings);
        var page = Page(events, visitor, path, channel.Referrer, channel.Campaign);
        var signsUp = _random.Double() < 0.1;
        for (var steps = 0; steps < 8; steps++)
        {
            var next = DemoSite.NextPage(_random, path, signsUp ? 1 : 0.5);
            if (next is null || next == "/signup")
            {
                break;
            }

            path = next;
            page = Page(events, visitor, path, page.Url, null);
        }

        if (signsUp)
        {
            page = Page(events, visitor, "/signup", page.Url, null);
            var first = _faker.Name.FirstName();
            var last = _faker.Name.LastName();
            var email = $"{Ascii(first)}.{Ascii(last)}.{_random.Int(100, 999)}@{_random.ArrayElement(["mail.example", "webmail.example", "inbox.example"])}";
            var person = new DemoPerson(email, first, last, DateTimeOffset.UtcNow, null, "", []);
            visitor.UserId = DemoSite.UserIdOf(email);
            events.Add(new DemoEvent
            {
                Call = DemoCall.Identify, Server = false, At = default, MessageId = "", AnonymousId = visitor.AnonymousId, UserId = visitor.UserId,
                Visitor = visitor, Page = page, Traits = DemoHistory.TraitsOf(person),
            });
            events.Add(Server(person.Email, "Signed Up", [new("plan", "trial"), new("signup_method", "email")]));
            events.Add(Server(person.Email, "Trial Started", [new("plan", _random.ArrayElement(DemoSite.Plans)), new("trial_days", 14)]));
            _identified.Add(email);
        }

        return events;
    }

    /// <summary>A contact back in the product on their usual browser: identified there once, then known by user id.</summary>
    private List<DemoEvent> Returning(DemoLiveContact contact)
    {
        var events = new List<DemoEvent>();
        var visitor = new DemoVisitor(StableAnonymousId(contact.Email), DemoSite.Devices[0].Device, DemoSite.Locations[0].Location)
        {
            UserId = DemoSite.UserIdOf(contact.Email),
        };
        var page = Page(events, visitor, DemoSite.AppPages[0].Path, null, null);
        if (_identified.Add(contact.Email))
        {
            var person = new DemoPerson(contact.Email, contact.FirstName ?? "", contact.LastName ?? "", default, null, "", []);
            events.Add(new DemoEvent
            {
                Call = DemoCall.Identify, Server = false, At = default, MessageId = "", AnonymousId = visitor.AnonymousId, UserId = visitor.UserId,
                Visitor = visitor, Page = page, Traits = [.. DemoHistory.TraitsOf(person).Where(t => t.Value is not "")],
            });
        }

        for (var pages = _random.Int(1, 4); pages > 0; pages--)
        {
            page = Page(events, visitor, _random.ArrayElement(DemoSite.AppPages).Path, page.Url, null);
            if (_random.Double() < 0.6)
            {
                events.Add(new DemoEvent
                {
                    Call = DemoCall.Track, Server = false, At = default, MessageId = "", AnonymousId = visitor.AnonymousId, UserId = visitor.UserId,
                    Visitor = visitor, Page = page, Event = "Feature Used", Properties = [new("feature", _random.ArrayElement(DemoSite.Features))],
                });
            }
        }

        return events;
    }

    private static DemoPageView Page(List<DemoEvent> events, DemoVisitor visitor, string path, string? referrer, DemoCampaign? campaign)
    {
        var (_, title) = DemoSite.PageOf(path);
        var page = new DemoPageView(path, title, campaign?.Query ?? "", referrer);
        events.Add(new DemoEvent
        {
            Call = DemoCall.Page, Server = false, At = default, MessageId = "", AnonymousId = visitor.AnonymousId, UserId = visitor.UserId,
            Visitor = visitor, Page = page, Campaign = campaign,
        });
        return page;
    }

    private static DemoEvent Server(string email, string name, KeyValuePair<string, object>[] properties) => new()
    {
        Call = DemoCall.Track, Server = true, At = default, MessageId = "", UserId = DemoSite.UserIdOf(email), Event = name,
        Properties = properties, Traits = [new("email", email)],
    };

    /// <summary>The same browser for a contact on every start, so a returning contact is not a new device each time.</summary>
    private static string StableAnonymousId(string email) =>
        new Guid(SHA256.HashData(Encoding.UTF8.GetBytes("demo-live:" + email.ToLowerInvariant()))[..16]).ToString("D");

    private static string Ascii(string name) =>
        string.Concat(name.Normalize(NormalizationForm.FormD).Where(char.IsAsciiLetter)).ToLowerInvariant() is { Length: > 0 } ascii ? ascii : "visitor";
}
