using System.Buffers;
using System.Text.Json;
using Bogus;
using Monfri.Domain.Crm;

namespace Monfri.Infrastructure.Demo;

/// <summary>One collection request of the history: a JSON body for one source, as a client would post it to <c>/v1/batch</c>.</summary>
internal sealed record DemoRequest(bool Server, byte[] Body, int Count);

/// <summary>
/// Ninety days of the demo website's and backend's events, deterministic from <see cref="Seed"/> and the demo's
/// contacts (dated back from <c>now</c>): anonymous visitors browsing from search, ads, social, newsletters and
/// partners; the demo's contacts among them, whose visits before signing up become their history when they
/// identify; product usage, invoices, and orders when their deals were won.
/// <para>
/// Requests are built per household — one person's (or the few people of an identity edge case) events in time
/// order, never split — because the workers process requests in parallel: events whose order decides the outcome
/// of identity resolution (a visit, then the identify that claims it) must be in one request, as one browser's
/// queue would be. Server events name the person by email too (<c>context.traits</c>), so they resolve to the
/// right contact whichever request is processed first.
/// </para>
/// </summary>
internal sealed class DemoHistory
{
    public const int Seed = DemoContent.Seed + 90;
    public static readonly TimeSpan Window = TimeSpan.FromDays(90);

    /// <summary>Events per request: claims of the default 50 requests then hold about 10,000 events.</summary>
    private const int RequestEvents = 200;

    private readonly Randomizer _random = new(Seed);
    private readonly DateTimeOffset _now;
    private readonly DateTimeOffset _start;
    private readonly List<DemoEvent> _household = [];

    private DemoHistory(DateTimeOffset now)
    {
        _now = now;
        _start = now - Window;
    }

    /// <summary>
    /// The requests, in the order to append them. Lazily: a request is built when the caller asks for it, so the
    /// whole history is never in memory at once.
    /// </summary>
    public static IEnumerable<DemoRequest> Generate(IReadOnlyList<DemoPerson> people, int visitors, DateTimeOffset now)
    {
        var history = new DemoHistory(now);
        var web = new Batch(server: false);
        var backend = new Batch(server: true);
        var edge = EdgeCases.Of(people, now - Window);
        var contacts = 0;
        for (var v = 0; v < visitors || contacts < people.Count; v++)
        {
            // Contacts spread evenly among the visitors, so every part of the history looks alike.
            var due = visitors == 0 ? people.Count : (int)((long)(v + 1) * people.Count / Math.Max(1, visitors));
            while (contacts < people.Count && contacts < due)
            {
                var index = contacts++;
                if (index == edge.Guest)
                {
                    continue; // written with the owner, in the same household
                }

                history.Contact(people[index], index == edge.TwoDevices);
                if (index == edge.Owner)
                {
                    history.Contact(people[edge.Guest], twoDevices: false);
                    history.SharedComputer(people[edge.Owner], people[edge.Guest]);
                }

                foreach (var request in history.Flush(web, backend))
                {
                    yield return request;
                }
            }

            if (v < visitors)
            {
                history.Visitor();
                foreach (var request in history.Flush(web, backend))
                {
                    yield return request;
                }
            }
        }

        foreach (var request in new[] { web.Complete(), backend.Complete() })
        {
            if (request is not null)
            {
                yield return request;
            }
        }
    }

    /// <summary>
    /// Which contacts play the identity edge cases: one browses on a phone and a laptop before signing up (two
    /// anonymous ids merged by later identifies), and two existing customers use one shared computer (the second
    /// identify there is refused: both have a user id). Fixed by position, so every demo has them.
    /// </summary>
    internal sealed record EdgeCases(int TwoDevices, int Owner, int Guest)
    {
        public static EdgeCases Of(IReadOnlyList<DemoPerson> people, DateTimeOffset start)
        {
            var recent = Enumerable.Range(0, people.Count).Where(i => SignedUpAt(people[i]) > start + TimeSpan.FromDays(20)).ToList();
            var older = Enumerable.Range(0, people.Count).Where(i => SignedUpAt(people[i]) < start).ToList();
            return new(recent.Count > 0 ? recent[0] : -1, older.Count > 2 ? older[1] : -1, older.Count > 2 ? older[2] : -1);
        }
    }

    /// <summary>An anonymous visitor: one visit, sometimes a few more over the following weeks; most never sign up.</summary>
    private void Visitor()
    {
        var visitor = NewVisitor();
        var channel = DemoSite.Pick(_random, DemoSite.VisitorChannels);
        var at = VisitStart(_start, _now - TimeSpan.FromMinutes(2), visitor.Location);
        Visit(visitor, channel, at, intent: channel.Campaign is null ? 0.6 : 0.4, endsWithSignUp: false);
        for (var again = _random.Double() < 0.3 ? _random.Int(1, 3) : 0; again > 0; again--)
        {
            at = VisitStart(at + TimeSpan.FromHours(6), Min(at + TimeSpan.FromDays(21), _now - TimeSpan.FromMinutes(2)), visitor.Location);
            if (at >= _now - TimeSpan.FromMinutes(2))
            {
                break;
            }

            Visit(visitor, _random.Double() < 0.7 ? DemoSite.Direct : DemoSite.Organic, at, intent: 0.8, endsWithSignUp: false);
        }
    }

    /// <summary>
    /// A demo contact. Signed up within the window: a few anonymous visits first (the first from their channel),
    /// then the sign-up (identify, <c>Signed Up</c>, <c>Trial Started</c>). Signed up earlier: a known user whose
    /// first visit in the window identifies them on this browser. Then product use, invoices and orders.
    /// </summary>
    private void Contact(DemoPerson person, bool twoDevices)
    {
        var userId = DemoSite.UserIdOf(person.Email);
        var visitor = NewVisitor();
        var channel = ChannelOf(person);
        var signUp = SignedUpAt(person);
        var signedUpInWindow = signUp > _start + TimeSpan.FromHours(1);
        DemoVisitor? phone = null;
        DateTimeOffset active;
        if (signedUpInWindow)
        {
            var visits = _random.Int(1, 3);
            var from = Max(_start, signUp - TimeSpan.FromDays(21));
            var times = Enumerable.Range(0, visits).Select(_ => Between(from, signUp - TimeSpan.FromHours(1))).Order().ToList();
            for (var i = 0; i < times.Count; i++)
            {
                Visit(visitor, i == 0 ? channel : _random.Double() < 0.5 ? DemoSite.Direct : channel, times[i], intent: 1, endsWithSignUp: false);
            }

            if (twoDevices)
            {
                phone = new DemoVisitor(_random.Guid().ToString("D"), DemoSite.Devices[4].Device, visitor.Location);
                Visit(phone, channel, Between(from, signUp - TimeSpan.FromHours(2)), intent: 1, endsWithSignUp: false);
            }

            var page = Visit(visitor, times.Count > 1 ? DemoSite.Direct : channel, signUp - TimeSpan.FromMinutes(_random.Double(2, 6)), intent: 1, endsWithSignUp: true);
            visitor.UserId = userId;
            Identify(visitor, person, page, signUp);
            var plan = _random.ArrayElement(DemoSite.Plans);
            Server("Signed Up", person, signUp + TimeSpan.FromSeconds(1), [new("plan", "trial"), new("signup_method", _random.Bool(0.7f) ? "email" : "google")]);
            Server("Trial Started", person, signUp + TimeSpan.FromSeconds(2), [new("plan", plan), new("trial_days", 14)]);
            active = signUp + TimeSpan.FromHours(1);
        }
        else
        {
            active = VisitStart(_start, _start + TimeSpan.FromDays(45), visitor.Location);
            // Their first visit in the window comes mostly through the channel that brought them (a partner's link, the
            // newsletter, an ad), so first touch and attribution differ between won and lost deals for them too.
            var page = Visit(visitor, _random.Double() < 0.6 ? channel : DemoSite.Direct, active, intent: 0.5, endsWithSignUp: false);
            visitor.UserId = userId;
            Identify(visitor, person, page, active + TimeSpan.FromSeconds(20));
            active += TimeSpan.FromHours(1);
        }

        var customer = person.LifecycleStage is LifecycleStages.Customer or LifecycleStages.Evangelist;
        var won = person.Deals.Any(d => d.Status == DealStatus.Won);
        var sessions = customer || won ? _random.Int(6, 14) : person.Deals.Count > 0 ? _random.Int(3, 8) : _random.Int(0, 4);
        var times2 = Enumerable.Range(0, sessions).Select(_ => VisitStart(active, _now - TimeSpan.FromMinutes(3), visitor.Location)).Where(t => t > active).Order().ToList();
        foreach (var at in times2)
        {
            Use(visitor, at);
        }

        if (phone is not null)
        {
            // Later, signed in on the phone too: that identify merges the phone's earlier visits into the contact.
            var at = Min(active + TimeSpan.FromDays(_random.Double(1, 5)), _now - TimeSpan.FromMinutes(10));
            phone.UserId = userId;
            var page = PageView(phone, DemoSite.AppPages[0], null, null, at);
            Identify(phone, person, page, at + TimeSpan.FromSeconds(3));
            Use(phone, at + TimeSpan.FromMinutes(1));
        }

        if (customer)
        {
            // Monthly invoices since they became a customer (or since the window opened).
            var amount = person.Deals.Where(d => d.Status == DealStatus.Won).Select(d => Math.Round(d.Amount / 12m, 2)).DefaultIfEmpty(_random.ArrayElement([49m, 149m, 490m])).First();
            for (var at = Max(_start, signUp) + TimeSpan.FromDays(_random.Double(1, 28)); at < _now; at += TimeSpan.FromDays(30))
            {
                Server("Invoice Paid", person, at, [new("invoice_id", $"inv_{_random.Replace("########")}"), new("amount", amount), new("currency", "EUR")]);
            }
        }

        foreach (var deal in person.Deals.Where(d => d.Status == DealStatus.Won && d.FirstContact && d.ClosedAt > _start))
        {
            var at = deal.ClosedAt!.Value + TimeSpan.FromMinutes(_random.Double(5, 240));
            if (at >= _now)
            {
                continue;
            }

            var plan = deal.Amount >= 20_000m ? "Business" : deal.Amount >= 5_000m ? "Growth" : "Starter";
            var order = $"ord_{_random.Replace("########")}";
            Server("Order Completed", person, at, [
                new("order_id", order), new("revenue", deal.Amount), new("currency", "EUR"),
                new("products", new[] { new Dictionary<string, object> { ["name"] = $"Monfri {plan}", ["price"] = deal.Amount, ["quantity"] = 1 } }),
            ]);
            Server("Subscription Started", person, at + TimeSpan.FromSeconds(1), [new("plan", plan), new("revenue", deal.Amount), new("billing", "annual")]);
        }
    }

    /// <summary>
    /// When the person signed up: when the CRM created them, or earlier when a deal about them was opened before that
    /// (the CRM demo opens deals regardless of when a contact was entered) — nobody orders before signing up.
    /// </summary>
    internal static DateTimeOffset SignedUpAt(DemoPerson person) =>
        person.Deals.Count == 0 ? person.CreatedAt : Min(person.CreatedAt, person.Deals.Min(d => d.CreatedAt) - TimeSpan.FromDays(3));

    /// <summary>Two existing customers on one shared office computer: the second one's identify there is refused.</summary>
    private void SharedComputer(DemoPerson owner, DemoPerson guest)
    {
        var shared = NewVisitor();
        var at = _now - TimeSpan.FromDays(3);
        shared.UserId = DemoSite.UserIdOf(owner.Email);
        var page = PageView(shared, DemoSite.AppPages[0], null, null, at);
        Identify(shared, owner, page, at + TimeSpan.FromSeconds(5));
        Use(shared, at + TimeSpan.FromMinutes(2));
        // The colleague signs in on the same browser (no reset of its anonymous id): one refused link, then they leave.
        shared.UserId = DemoSite.UserIdOf(guest.Email);
        Identify(shared, guest, new DemoPageView(DemoSite.AppPages[0].Path, DemoSite.AppPages[0].Title, "", null), _now - TimeSpan.FromDays(2));
    }

    /// <summary>
    /// Channels convert differently: won deals came more often from partners and the newsletter (and the fastest
    /// wins from partners), lost ones from paid search and LinkedIn ads — so attribution shows a difference.
    /// </summary>
    private DemoChannel ChannelOf(DemoPerson person)
    {
        var won = person.Deals.FirstOrDefault(d => d.Status == DealStatus.Won);
        (DemoChannel, double)[] weights = won is not null && won.ClosedAt - won.CreatedAt < TimeSpan.FromDays(60)
            ? [(DemoSite.Partner, 35), (DemoSite.Newsletter, 25), (DemoSite.Organic, 15), (DemoSite.GoogleAds, 8), (DemoSite.LinkedIn, 8), (DemoSite.Direct, 9)]
            : won is not null
                ? [(DemoSite.Newsletter, 30), (DemoSite.Organic, 20), (DemoSite.Partner, 15), (DemoSite.LinkedIn, 12), (DemoSite.GoogleAds, 10), (DemoSite.Direct, 13)]
                : person.Deals.Any(d => d.Status == DealStatus.Lost)
                    ? [(DemoSite.GoogleAds, 35), (DemoSite.LinkedIn, 25), (DemoSite.Organic, 15), (DemoSite.Social, 10), (DemoSite.Direct, 10), (DemoSite.Newsletter, 5)]
                    : [(DemoSite.Organic, 25), (DemoSite.Direct, 20), (DemoSite.GoogleAds, 18), (DemoSite.LinkedIn, 12), (DemoSite.Newsletter, 10), (DemoSite.Social, 10), (DemoSite.Partner, 5)];
        return DemoSite.Pick(_random, weights);
    }

    private DemoVisitor NewVisitor() =>
        new(_random.Guid().ToString("D"), DemoSite.Pick(_random, DemoSite.Devices), DemoSite.Pick(_random, DemoSite.Locations));

    /// <summary>A visit to the marketing site: a landing page for the channel, then a walk; the last page viewed.</summary>
    private DemoPageView Visit(DemoVisitor visitor, DemoChannel channel, DateTimeOffset at, double intent, bool endsWithSignUp)
    {
        var path = _random.ArrayElement(channel.Landings);
        var page = PageView(visitor, DemoSite.PageOf(path), channel.Referrer, channel.Campaign, at);
        for (var steps = 0; steps < 12; steps++)
        {
            var next = DemoSite.NextPage(_random, path, intent);
            if (next is null || (endsWithSignUp && next == "/signup"))
            {
                break;
            }

            at += TimeSpan.FromSeconds(_random.Double(8, 150));
            path = next;
            page = PageView(visitor, DemoSite.PageOf(path), page.Url, null, at);
        }

        if (endsWithSignUp)
        {
            page = PageView(visitor, DemoSite.PageOf("/signup"), page.Url, null, at + TimeSpan.FromSeconds(_random.Double(8, 60)));
        }

        return page;
    }

    /// <summary>A session in the product: app pages and the features used there.</summary>
    private void Use(DemoVisitor visitor, DateTimeOffset at)
    {
        DemoPageView? previous = null;
        for (var pages = _random.Int(1, 5); pages > 0; pages--)
        {
            var page = PageView(visitor, _random.ArrayElement(DemoSite.AppPages), previous?.Url, null, at);
            if (_random.Double() < 0.6)
            {
                at += TimeSpan.FromSeconds(_random.Double(5, 90));
                Browser(visitor, DemoCall.Track, "Feature Used", page, at, [new("feature", _random.ArrayElement(DemoSite.Features))]);
            }

            previous = page;
            at += TimeSpan.FromSeconds(_random.Double(10, 240));
        }
    }

    private DemoPageView PageView(DemoVisitor visitor, (string Path, string Title) target, string? referrer, DemoCampaign? campaign, DateTimeOffset at)
    {
        var page = new DemoPageView(target.Path, target.Title, campaign?.Query ?? "", referrer);
        _household.Add(new DemoEvent
        {
            Call = DemoCall.Page, Server = false, At = at, MessageId = DemoSite.MessageId(_random, false, at),
            AnonymousId = visitor.AnonymousId, UserId = visitor.UserId, Visitor = visitor, Page = page, Campaign = campaign,
        });
        return page;
    }

    private void Identify(DemoVisitor visitor, DemoPerson person, DemoPageView page, DateTimeOffset at) =>
        _household.Add(new DemoEvent
        {
            Call = DemoCall.Identify, Server = false, At = at, MessageId = DemoSite.MessageId(_random, false, at),
            AnonymousId = visitor.AnonymousId, UserId = visitor.UserId, Visitor = visitor, Page = page, Traits = TraitsOf(person),
        });

    private void Browser(DemoVisitor visitor, DemoCall call, string name, DemoPageView page, DateTimeOffset at, KeyValuePair<string, object>[] properties) =>
        _household.Add(new DemoEvent
        {
            Call = call, Server = false, At = at, MessageId = DemoSite.MessageId(_random, false, at), AnonymousId = visitor.AnonymousId,
            UserId = visitor.UserId, Visitor = visitor, Page = page, Event = name, Properties = properties,
        });

    private void Server(string name, DemoPerson person, DateTimeOffset at, KeyValuePair<string, object>[] properties) =>
        _household.Add(new DemoEvent
        {
            Call = DemoCall.Track, Server = true, At = at, MessageId = DemoSite.MessageId(_random, true, at),
            UserId = DemoSite.UserIdOf(person.Email), Event = name, Properties = properties, Traits = [new("email", person.Email)],
        });

    internal static KeyValuePair<string, object>[] TraitsOf(DemoPerson person)
    {
        var traits = new List<KeyValuePair<string, object>> { new("email", person.Email), new("firstName", person.FirstName), new("lastName", person.LastName) };
        if (person.Company is not null)
        {
            traits.Add(new("company", new Dictionary<string, object> { ["name"] = person.Company }));
        }

        return [.. traits];
    }

    /// <summary>The household's events in time order into the two sources' requests; full requests come back.</summary>
    private List<DemoRequest> Flush(Batch web, Batch backend)
    {
        var full = new List<DemoRequest>();
        foreach (var e in _household.Where(e => e.At < _now).OrderBy(e => e.At))
        {
            (e.Server ? backend : web).Add(e);
        }

        _household.Clear();
        // Both sources' requests end together: a backend request then holds the server events of the households in
        // the website request next to it, and the two are appended one after the other, so they land in the same claim.
        // Filled on its own, a backend request mixed contacts from dozens of website requests, and every claim waited
        // for the other worker's (both had to create the same contacts' user ids).
        if (web.Count >= RequestEvents || backend.Count >= RequestEvents)
        {
            foreach (var batch in new[] { web, backend })
            {
                if (batch.Complete() is { } request)
                {
                    full.Add(request);
                }
            }
        }

        return full;
    }

    /// <summary>A day in the window (quieter weekends, slowly growing traffic) at a local hour of the visitor's daily rhythm.</summary>
    private DateTimeOffset VisitStart(DateTimeOffset from, DateTimeOffset to, DemoLocation location)
    {
        if (to <= from)
        {
            return from;
        }

        for (var attempt = 0; attempt < 20; attempt++)
        {
            var day = Between(from, to).UtcDateTime.Date;
            var weekday = day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 0.45 : 1.0;
            var growth = 0.75 + 0.25 * ((day - _start.UtcDateTime.Date).TotalDays / Window.TotalDays);
            if (_random.Double() > weekday * growth)
            {
                continue;
            }

            var hour = DemoSite.Pick(_random, DemoSite.HourWeights.Select((w, h) => (h, w)).ToArray());
            var at = new DateTimeOffset(day, TimeSpan.Zero) + TimeSpan.FromHours(hour - location.UtcOffsetHours) + TimeSpan.FromSeconds(_random.Int(0, 3599));
            if (at >= from && at < to)
            {
                return at;
            }
        }

        return Between(from, to);
    }

    private DateTimeOffset Between(DateTimeOffset from, DateTimeOffset to) => to <= from ? from : from + (to - from) * _random.Double();

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    /// <summary>One source's request being filled.</summary>
    private sealed class Batch(bool server)
    {
        private readonly ArrayBufferWriter<byte> _buffer = new(256 * 1024);
        private Utf8JsonWriter? _writer;

        public int Count { get; private set; }

        public void Add(DemoEvent e)
        {
            if (_writer is null)
            {
                _writer = new Utf8JsonWriter(_buffer);
                _writer.WriteStartObject();
                _writer.WriteStartArray("batch");
            }

            DemoSite.Write(_writer, e, sentAt: null);
            Count++;
        }

        public DemoRequest? Complete()
        {
            if (_writer is null)
            {
                return null;
            }

            _writer.WriteEndArray();
            _writer.WriteEndObject();
            _writer.Flush();
            var request = new DemoRequest(server, _buffer.WrittenSpan.ToArray(), Count);
            _writer.Dispose();
            _writer = null;
            _buffer.Clear();
            Count = 0;
            return request;
        }
    }
}
