using Monfri.Application.Cdp.Collection;
using Monfri.Domain.Crm;
using Monfri.Infrastructure.Demo;
using Monfri.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Monfri.Application.Tests.Demo;

/// <summary>
/// The demo's 90 days of events: generated from a seed, sent through the intake and processed by the real workers,
/// so they resolve to the demo's contacts with history before sign-up, touches and computed traits.
/// </summary>
public sealed class DemoHistoryTests(DemoHistoryTests.HistoryWorkspace workspace) : IClassFixture<DemoHistoryTests.HistoryWorkspace>
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_same_seed_generates_the_same_requests_and_the_collection_api_accepts_every_event()
    {
        var people = SomePeople();

        var first = DemoHistory.Generate(people, 300, Now).ToList();
        var second = DemoHistory.Generate(people, 300, Now).ToList();

        Assert.Equal(first.Select(r => Convert.ToHexString(r.Body)), second.Select(r => Convert.ToHexString(r.Body)));
        Assert.Contains(first, r => r.Server);
        Assert.True(first.Sum(r => r.Count) > 300 * 3, "hundreds of visitors make thousands of events");
        foreach (var request in first)
        {
            var (batch, failure) = EventBatchParser.Parse(request.Body, null, Now);
            Assert.Null(failure);
            Assert.Empty(batch!.Rejected);
            Assert.Equal(request.Count, batch.AcceptedCount);
        }
    }

    [Fact]
    public void A_backend_request_holds_only_contacts_of_the_website_request_appended_just_before_it()
    {
        // So both land in one claim: split apart, two workers' claims both created the same contacts' user ids and
        // each waited for the other's whole claim (a demo start then ran on one worker's worth of time).
        var requests = DemoHistory.Generate(SomePeople(), 3000, Now).ToList();

        var backends = 0;
        for (var i = 0; i < requests.Count; i++)
        {
            if (!requests[i].Server)
            {
                continue;
            }

            backends++;
            Assert.True(i > 0 && !requests[i - 1].Server, $"request {i} follows another backend request");
            var website = UserIdsOf(requests[i - 1]);
            Assert.All(UserIdsOf(requests[i]), userId => Assert.Contains(userId, website));
        }

        Assert.True(backends > 1, $"{backends} backend requests");
    }

    private static HashSet<string> UserIdsOf(DemoRequest request)
    {
        using var document = System.Text.Json.JsonDocument.Parse(request.Body);
        return document.RootElement.GetProperty("batch").EnumerateArray()
            .Where(e => e.TryGetProperty("userId", out var u) && u.ValueKind == System.Text.Json.JsonValueKind.String)
            .Select(e => e.GetProperty("userId").GetString()!).ToHashSet();
    }

    [Fact]
    public void Live_traffic_sends_batches_the_collection_api_accepts_with_the_number_of_events_asked_for()
    {
        var visitors = new DemoLiveVisitors([new DemoLiveContact("ada.lovelace@example.example", "Ada", "Lovelace")], "grace@example.example", seed: 7);

        var sent = 0;
        for (var tick = 0; tick < 200; tick++)
        {
            var batch = visitors.Next(3, Now + TimeSpan.FromSeconds(tick));
            Assert.Equal(3, batch.WebsiteEvents + batch.BackendEvents);
            foreach (var body in new[] { batch.Website, batch.Backend }.OfType<byte[]>())
            {
                var (parsed, failure) = EventBatchParser.Parse(body, null, Now + TimeSpan.FromSeconds(tick));
                Assert.Null(failure);
                Assert.Empty(parsed!.Rejected);
                sent += parsed.AcceptedCount;
            }
        }

        Assert.Equal(600, sent);
    }

    [Fact]
    public async Task A_demo_start_sends_its_history_through_the_workers_to_the_existing_contacts()
    {
        var report = workspace.Report;
        Assert.True(report.Events > 10_000, $"{report.Events} events");
        await using var connection = new NpgsqlConnection(workspace.App.ConnectionString);
        await connection.OpenAsync();

        // Every event was stored by the workers, at its own (historic) time.
        Assert.Equal((long)report.Events, await ScalarAsync<long>(connection, "SELECT count(*) FROM cdp_events"));
        Assert.True(await ScalarAsync<DateTime>(connection, "SELECT min(\"timestamp\") FROM cdp_events") < (HistoryWorkspace.SeededAt - TimeSpan.FromDays(80)).UtcDateTime);

        // No demo contact was merged away: identifies and server events found the contacts the CRM demo created.
        Assert.Equal(DemoContent.ContactCount, await ScalarAsync<long>(connection, "SELECT count(*) FROM people WHERE is_contact AND email IS NOT NULL"));
        Assert.Equal(0L, await ScalarAsync<long>(connection,
            "SELECT count(*) FROM cdp_profile_merges WHERE outcome = 'Merged' AND loser_snapshot->'person'->>'email' IS NOT NULL"));
        var contactsWithEvents = await ScalarAsync<long>(connection,
            "SELECT count(DISTINCT p.id) FROM people p JOIN cdp_events e ON e.person_id = p.id WHERE p.is_contact");
        Assert.True(contactsWithEvents > DemoContent.ContactCount / 2, $"{contactsWithEvents} contacts with events");

        // A share of contacts browsed anonymously before they identified (their "before sign-up" history).
        var withHistoryBeforeSignUp = await ScalarAsync<long>(connection,
            """
            SELECT count(*) FROM (
                SELECT e.person_id FROM cdp_events e JOIN people p ON p.id = e.person_id AND p.is_contact
                GROUP BY e.person_id
                HAVING min(e."timestamp") FILTER (WHERE e.user_id IS NULL) < min(e."timestamp") FILTER (WHERE e.type = 'identify')) s
            """);
        Assert.True(withHistoryBeforeSignUp > 100, $"{withHistoryBeforeSignUp} contacts with anonymous history");

        // Nobody orders before signing up, even when the CRM opened their deal before it entered the contact.
        Assert.Equal(0L, await ScalarAsync<long>(connection,
            """
            SELECT count(*) FROM cdp_events o
            WHERE o.event = 'Order Completed'
              AND o."timestamp" < (SELECT min(s."timestamp") FROM cdp_events s WHERE s.person_id = o.person_id AND s.event = 'Signed Up')
            """));

        // Most visitors never sign up: anonymous profiles far outnumber contacts.
        Assert.True(await ScalarAsync<long>(connection, "SELECT count(*) FROM people WHERE NOT is_contact") > 1000);

        // First touch is set, with campaigns among the sources; computed traits have values.
        Assert.True(await ScalarAsync<long>(connection,
            "SELECT count(*) FROM cdp_profile_stats s JOIN people p ON p.id = s.person_id WHERE p.is_contact AND s.first_touch_source IS NOT NULL") > DemoContent.ContactCount / 2);
        Assert.True(await ScalarAsync<long>(connection, "SELECT count(DISTINCT first_touch_campaign) FROM cdp_profile_stats") >= 4);
        Assert.True(await ScalarAsync<long>(connection,
            "SELECT count(*) FROM cdp_trait_values v JOIN cdp_computed_traits t ON t.id = v.trait_id WHERE t.key = 'lifetime_revenue' AND v.number_value > 0") > 10);
        Assert.True(await ScalarAsync<long>(connection,
            "SELECT count(*) FROM cdp_trait_values v JOIN cdp_computed_traits t ON t.id = v.trait_id WHERE t.key = 'page_views_30d' AND v.number_value > 0") > 1000);

        // The identity edge cases: a refused link on a shared computer, a contact who browsed anonymously on two devices
        // (merged into one by the later identifies), a suppressed person.
        Assert.True(await ScalarAsync<long>(connection, "SELECT count(*) FROM cdp_profile_merges WHERE outcome = 'Refused'") >= 1);
        Assert.True(await ScalarAsync<long>(connection,
            """
            SELECT count(*) FROM (SELECT e.person_id FROM cdp_events e JOIN people p ON p.id = e.person_id AND p.is_contact
                                  WHERE e.user_id IS NULL GROUP BY e.person_id HAVING count(DISTINCT e.anonymous_id) >= 2) s
            """) >= 1);
        Assert.Equal(1L, await ScalarAsync<long>(connection, "SELECT count(*) FROM privacy_requests WHERE kind = 'Suppress'"));
    }

    [Fact]
    public async Task Channels_convert_differently_and_won_deals_have_orders_with_their_revenue()
    {
        await using var connection = new NpgsqlConnection(workspace.App.ConnectionString);
        await connection.OpenAsync();

        // Contacts of won deals came from partners more often than contacts of lost deals did.
        var partnerShare = await ScalarAsync<decimal>(connection,
            """
            SELECT coalesce(avg(CASE WHEN s.first_touch_source = 'partner' THEN 1.0 ELSE 0 END) FILTER (WHERE d.status = 'Won'), 0)
                 - coalesce(avg(CASE WHEN s.first_touch_source = 'partner' THEN 1.0 ELSE 0 END) FILTER (WHERE d.status = 'Lost'), 0)
            FROM deals d JOIN deal_contacts dc ON dc.deal_id = d.id JOIN cdp_profile_stats s ON s.person_id = dc.person_id
            """);
        Assert.True(partnerShare > 0.05m, $"partner share difference {partnerShare}");
        Assert.True(await ScalarAsync<long>(connection,
            """
            SELECT count(*) FROM cdp_events e JOIN deal_contacts dc ON dc.person_id = e.person_id JOIN deals d ON d.id = dc.deal_id
            WHERE e.event = 'Order Completed' AND d.status = 'Won' AND (e.properties->>'revenue')::numeric = d.amount
            """) > 5);
    }

    [Fact]
    public async Task The_same_seed_gives_every_demo_the_same_history()
    {
        await using var again = await MonfriServices.StartAsync("demohistory2", HistoryWorkspace.Settings, configureServices: HistoryWorkspace.SeededAtTheSameInstant);
        await again.Get<DemoDataSeeder>().SeedAsync(CancellationToken.None);
        var report = await again.Get<DemoHistoryLoader>().Completion.WaitAsync(TimeSpan.FromMinutes(5));

        Assert.Equal(workspace.Report.Events, report!.Events);
        Assert.Equal(await FingerprintAsync(workspace.App.ConnectionString), await FingerprintAsync(again.ConnectionString));
    }

    /// <summary>Per contact: how many events of each type, and their first touch.</summary>
    private static async Task<List<string>> FingerprintAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT p.email || ' ' || count(e.id) || ' ' || count(e.id) FILTER (WHERE e.type = 'identify') || ' '
                   || coalesce(s.first_touch_source, '-') || '/' || coalesce(s.first_touch_campaign, '-')
            FROM people p LEFT JOIN cdp_events e ON e.person_id = p.id LEFT JOIN cdp_profile_stats s ON s.person_id = p.id
            WHERE p.is_contact GROUP BY p.email, s.first_touch_source, s.first_touch_campaign ORDER BY p.email
            """, connection);
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static List<DemoPerson> SomePeople() =>
    [
        .. Enumerable.Range(0, 60).Select(i => new DemoPerson(
            $"person{i}@demo.example", $"First{i}", $"Last{i}", Now - TimeSpan.FromDays(i * 3 + 1), i % 2 == 0 ? "Acme" : null,
            i % 3 == 0 ? LifecycleStages.Customer : LifecycleStages.Lead,
            i % 4 == 0 ? [new DemoDealOutcome(DealStatus.Won, Now - TimeSpan.FromDays(40), Now - TimeSpan.FromDays(10), 12_000m, false, true)] : [])),
    ];

    /// <summary>A demo start with a small history (the full one is for ./monfri.sh run and the benchmark), processed to the end.</summary>
    public sealed class HistoryWorkspace : IAsyncLifetime
    {
        public static readonly Dictionary<string, string?> Settings = new() { ["Monfri:Demo:History:Visitors"] = "3000" };

        /// <summary>The demo's "now" for both starts: the history is laid out from it (days, weekends, hours of the day).</summary>
        public static readonly DateTimeOffset SeededAt = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());

        public MonfriServices App { get; private set; } = null!;
        public DemoHistoryReport Report { get; private set; } = null!;

        /// <summary>The seeder sees <see cref="SeededAt"/>; the rest of Monfri (workers, intake) keeps the real clock.</summary>
        public static void SeededAtTheSameInstant(IServiceCollection services) =>
            services.AddSingleton(sp => ActivatorUtilities.CreateInstance<DemoDataSeeder>(sp, (TimeProvider)new FixedClock(SeededAt)));

        public async Task InitializeAsync()
        {
            App = await MonfriServices.StartAsync("demohistory", Settings, configureServices: SeededAtTheSameInstant);
            await App.Get<DemoDataSeeder>().SeedAsync(CancellationToken.None);
            Report = (await App.Get<DemoHistoryLoader>().Completion.WaitAsync(TimeSpan.FromMinutes(5)))!;
            // The suppression is queued once the history is processed; its worker completes it.
            await using var connection = new NpgsqlConnection(App.ConnectionString);
            await connection.OpenAsync();
            for (var i = 0; i < 100 && await ScalarAsync<long>(connection, "SELECT count(*) FROM privacy_requests WHERE kind = 'Suppress' AND status = 'Completed'") == 0; i++)
            {
                await Task.Delay(100);
            }
        }

        public async Task DisposeAsync() => await App.DisposeAsync();

        private sealed class FixedClock(DateTimeOffset now) : TimeProvider
        {
            public override DateTimeOffset GetUtcNow() => now;
        }
    }
}
