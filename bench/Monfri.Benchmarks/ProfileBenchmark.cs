using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Security.Claims;
using Monfri.Application.Cdp.Profiles;
using Monfri.Application.Cdp.Visitors;
using Monfri.Domain.Cdp;
using Monfri.Infrastructure.Ingestion;
using Monfri.TestSupport;
using Monfri.Application.Cdp.Visitors.ListVisitorEvents;
using Monfri.Application.Cdp.Profiles.GetPersonProfile;
using Monfri.Application.Cdp.Profiles.GetProfileTraits;
using Monfri.Application.Cdp.Profiles.GetProfileTimeline;
using Npgsql;
using NpgsqlTypes;

namespace Monfri.Benchmarks;

/// <summary>
/// Profiles at scale: N profiles (30 % identified, with a user id, an email and identify traits) and M events over
/// the last three months, written with binary COPY; one identified person has exactly 10,000 events. Then measures
/// the profile page's server time (the real <see cref="GetPersonProfileQuery"/> and first <see cref="GetProfileTimelineQuery"/>
/// page through the Mediator pipeline as an admin), the backfill of four computed traits defined over the REST API,
/// the traits API (the real HTTP endpoint of a running Monfri process, over loopback with an API token) for random
/// anonymous and user ids, the visitor stream's query, and the lag from an event's acceptance by the running app's
/// <c>/v1/batch</c> to its computed trait being current while 5,000 events/s arrive.
/// </summary>
public static class ProfileBenchmark
{
    private const int HeavyPersonEvents = 10_000;
    private const string WriteKey = "bench_profiles_write_key_0123456789";
    private const string OrdersTrait = "orders_count";
    private static readonly string[] TrackEvents = ["Product Viewed", "Added to Cart", "Checkout Started", "Order Completed", "Newsletter Signed Up"];
    private static readonly string[] Categories = ["Shoes", "Jackets", "Bags", "Accessories", "Shirts"];
    private static readonly string[] Locales = ["de-DE", "en-GB", "fr-FR", "nl-NL", "en-US"];
    private static readonly string[] Zones = ["Europe/Berlin", "Europe/London", "Europe/Paris", "Europe/Amsterdam", "America/New_York"];
    private static readonly string[] Agents =
    [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
        "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
    ];

    public static async Task RunAsync(int profiles, long events, int runs)
    {
        if (profiles < 10 || events < HeavyPersonEvents * 2)
        {
            throw new ArgumentException($"Use at least 10 profiles and {HeavyPersonEvents * 2:N0} events.");
        }

        Console.WriteLine($"Profile benchmark: {profiles:N0} profiles, {events:N0} events, {runs} timed runs");
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {RepoPaths.Configuration} build, load average {LoadAverage()}");
        // The app inherits this process's environment: Monfri__Ingest__ClaimRequests=10 (for example) tunes its workers.
        Console.WriteLine($"App ingest settings: {Environment.GetEnvironmentVariable("Monfri__Ingest__Workers") ?? "2 (default)"} worker loops, "
            + $"claims of {Environment.GetEnvironmentVariable("Monfri__Ingest__ClaimRequests") ?? "50 (default)"} requests");

        // The real app (its HTTP endpoints, API token auth, ingest workers and trait backfill, with a source to
        // collect into) and the same services in-process on one database. The in-process services only answer
        // queries: the running app alone ingests and backfills, as a single node would.
        var connectionString = await TestPostgres.CreateDatabaseAsync("bench_profiles");
        await using var web = await MonfriProcess.StartAsync(new Dictionary<string, string?>
        {
            // Error details (e.g. which transactions a deadlock involved) in the app's log, for diagnosing.
            ["ConnectionStrings__Monfri"] = new NpgsqlConnectionStringBuilder(connectionString) { IncludeErrorDetail = true }.ConnectionString,
            ["Monfri__Bootstrap__Sources__0__Name"] = "Bench shop",
            ["Monfri__Bootstrap__Sources__0__WriteKey"] = WriteKey,
            ["Monfri__Bootstrap__Sources__0__Kind"] = "Server",
        });
        await using var app = await MonfriServices.StartAsync(connectionString: connectionString, seed: false, settings: new Dictionary<string, string?>
        {
            ["Monfri:Ingest:RunWorkers"] = "false",
            ["Monfri:Traits:RunWorkers"] = "false",
        });
        var admin = await app.AdminAsync();

        var data = await GenerateAsync(connectionString, profiles, events);

        // MONFRI_BENCH_LAG_ONLY=1: only the backfill and the lag at 5,000 events/s with the traits (what a before/after
        // comparison of the ingest path needs, in a third of the time on a shared machine).
        var lagOnly = Environment.GetEnvironmentVariable("MONFRI_BENCH_LAG_ONLY") == "1";
        if (!lagOnly)
        {
            await MeasureProfilePageAsync(app, admin, "person with 10,000 events", data.HeavyPerson, runs);
            await MeasureProfilePageAsync(app, admin, "typical person (identified)", data.TypicalPerson, runs);
            await ExplainProfileReadsAsync(connectionString, data.HeavyPerson);
        }

        var traits = await DefineTraitsAsync(web, connectionString, events);
        if (!lagOnly)
        {
            await MeasureTraitsApiAsync(web, app, admin, data, Math.Max(runs, 1000));
            await MeasureVisitorStreamAsync(app, admin, connectionString, runs);
        }

        // The goal (5,000 events/s with the traits above), the same at half the rate (the lag when the workers are
        // not the bottleneck), and 5,000 events/s again once the traits are deleted: what the traits cost.
        var orders = new LagProbe($"orders_count (computed trait, {traits.Count} traits defined)",
            $"SELECT person_id, number_value::bigint FROM cdp_trait_values WHERE trait_id = '{traits[OrdersTrait]}' AND person_id = ANY($1)");
        await MeasureComputedTraitLagAsync(web, connectionString, data, orders, eventsPerSecond: 5_000);
        if (lagOnly)
        {
            return;
        }

        await MeasureComputedTraitLagAsync(web, connectionString, data, orders, eventsPerSecond: 2_500);
        using (var http = web.AdminClient())
        {
            foreach (var id in traits.Values)
            {
                (await http.DeleteAsync($"/api/v1/computed-traits/{id}")).EnsureSuccessStatusCode();
            }
        }

        await MeasureComputedTraitLagAsync(web, connectionString, data, new LagProbe("stored events (total_events is counted when read; no computed trait defined)",
            "SELECT person_id, count(*) FROM cdp_events WHERE person_id = ANY($1) GROUP BY person_id"), eventsPerSecond: 5_000);

        // The app's own log, for diagnosing (run with e.g. Logging__LogLevel__Monfri.Infrastructure.Ingestion.IngestProcessor=Debug).
        if (Environment.GetEnvironmentVariable("MONFRI_BENCH_APP_LOG") is { Length: > 0 } appLog)
        {
            await File.WriteAllTextAsync(appLog, web.Output);
            Console.WriteLine($"The app's output: {appLog}");
        }
    }

    private sealed record Generated(Guid HeavyPerson, Guid TypicalPerson, string[] AnonymousIds, string[] UserIds, Guid[] People);

    /// <summary>Three in ten profiles are identified; profile 0 is the one with 10,000 events and signs up halfway.</summary>
    private static bool Identified(int person) => person % 10 < 3;

    private static async Task<Generated> GenerateAsync(string connectionString, int profiles, long events)
    {
        // No command timeout: building an index over 10M rows takes minutes on a busy machine.
        await using var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { CommandTimeout = 0 }.ConnectionString);
        await using var connection = await dataSource.OpenConnectionAsync();
        var now = DateTimeOffset.UtcNow;
        var from = now.AddDays(-90);
        var span = (now - from).Ticks;
        var people = new Guid[profiles];
        for (var i = 0; i < profiles; i++)
        {
            people[i] = Guid.CreateVersion7(from.AddTicks(span / profiles * i));
        }

        var firstSeen = new long[profiles];
        var lastSeen = new long[profiles];
        Array.Fill(firstSeen, long.MaxValue);

        var months = new List<DateOnly>();
        for (var month = EventPartitions.MonthOf(from); month <= EventPartitions.MonthOf(now); month = month.AddMonths(1))
        {
            months.Add(month);
        }

        await new EventPartitions(dataSource).EnsureAsync(months, CancellationToken.None);

        // A bulk load builds indexes after the rows are in: sorting 10M entries once is many times faster than
        // inserting them one by one at random places. The definitions are read back, so the indexes are exactly
        // the migrations' (whatever they are on this branch).
        var indexes = new List<(string Name, string Definition)>();
        await using (var read = new NpgsqlCommand("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'cdp_events'", connection))
        await using (var reader = await read.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                // pg_indexes shows a partitioned index as "ON ONLY cdp_events", which would not build the partitions' indexes.
                indexes.Add((reader.GetString(0), reader.GetString(1).Replace(" ON ONLY ", " ON ", StringComparison.Ordinal)));
            }
        }

        foreach (var (name, _) in indexes)
        {
            await ExecuteAsync(connection, $"DROP INDEX {name}");
        }

        var watch = Stopwatch.StartNew();
        var random = new Random(42);
        var source = Guid.CreateVersion7();
        var stride = events / HeavyPersonEvents;
        var heavyWritten = 0;
        await using (var copy = await connection.BeginBinaryImportAsync(
            """COPY cdp_events (id, source_id, person_id, message_id, type, event, "timestamp", received_at, user_id, anonymous_id, properties, context) FROM STDIN (FORMAT BINARY)"""))
        {
            for (long e = 0; e < events; e++)
            {
                // Events arrive in time order, from anyone; every stride-th one is the heavy person's.
                var at = from.AddTicks((long)(span * ((double)e / events)) + random.Next(0, 1_000_000));
                var heavy = e % stride == stride / 2 && heavyWritten < HeavyPersonEvents;
                var person = heavy ? 0 : random.Next(1, profiles);
                var identified = Identified(person);
                string type;
                string? userId = null;
                if (heavy)
                {
                    // Anonymous for the first half, identifies at the 5,000th event, signed in afterwards.
                    type = heavyWritten == HeavyPersonEvents / 2 ? "identify" : heavyWritten % 3 == 0 ? "track" : "page";
                    userId = heavyWritten >= HeavyPersonEvents / 2 ? UserId(person) : null;
                    heavyWritten++;
                }
                else
                {
                    var roll = random.Next(100);
                    type = identified && roll < 3 ? "identify" : roll < 63 ? "page" : "track";
                    userId = identified && (type == "identify" || roll % 2 == 0) ? UserId(person) : null;
                }

                var product = random.Next(1, 5_000);
                var ticks = at.UtcTicks;
                firstSeen[person] = Math.Min(firstSeen[person], ticks);
                lastSeen[person] = Math.Max(lastSeen[person], ticks);

                await copy.StartRowAsync();
                await copy.WriteAsync(Guid.CreateVersion7(at), NpgsqlDbType.Uuid);
                await copy.WriteAsync(source, NpgsqlDbType.Uuid);
                await copy.WriteAsync(people[person], NpgsqlDbType.Uuid);
                await copy.WriteAsync($"m-{e:x}", NpgsqlDbType.Text);
                await copy.WriteAsync(type, NpgsqlDbType.Text);
                if (type == "track")
                {
                    await copy.WriteAsync(TrackEvents[product % TrackEvents.Length], NpgsqlDbType.Text);
                }
                else
                {
                    await copy.WriteNullAsync();
                }

                await copy.WriteAsync(at, NpgsqlDbType.TimestampTz);
                await copy.WriteAsync(at.AddMilliseconds(80 + product % 400), NpgsqlDbType.TimestampTz);
                if (userId is null)
                {
                    await copy.WriteNullAsync();
                }
                else
                {
                    await copy.WriteAsync(userId, NpgsqlDbType.Text);
                }

                await copy.WriteAsync(AnonymousId(person), NpgsqlDbType.Text);
                await copy.WriteAsync(Properties(type, person, product), NpgsqlDbType.Jsonb);
                await copy.WriteAsync(Context(person, product), NpgsqlDbType.Jsonb);
                if (e > 0 && e % 1_000_000 == 0)
                {
                    Console.WriteLine($"  … {e:N0} events in {watch.Elapsed.TotalSeconds:N0} s");
                }
            }

            await copy.CompleteAsync();
        }

        var copied = watch.Elapsed;
        Console.WriteLine($"COPY {events:N0} events into {months.Count} monthly partitions: {copied.TotalSeconds:N1} s ({events / copied.TotalSeconds:N0} events/s)");

        await ExecuteAsync(connection, "SET maintenance_work_mem = '512MB'");
        foreach (var (name, definition) in indexes)
        {
            var built = Stopwatch.StartNew();
            await ExecuteAsync(connection, definition);
            Console.WriteLine($"  index {name}: {built.Elapsed.TotalSeconds:N1} s");
        }

        watch.Restart();
        var anonymousIds = new string[profiles];
        var userIds = new List<string>();
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY people (id, first_name, last_name, email, other_emails, tags, custom_fields, lifecycle_stage, is_contact, created_at, updated_at, first_seen_at, last_seen_at) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < profiles; i++)
            {
                var identified = Identified(i);
                var first = firstSeen[i] == long.MaxValue ? (DateTimeOffset?)null : new DateTimeOffset(firstSeen[i], TimeSpan.Zero);
                var last = lastSeen[i] == 0 ? (DateTimeOffset?)null : new DateTimeOffset(lastSeen[i], TimeSpan.Zero);
                var created = first ?? from;
                await copy.StartRowAsync();
                await copy.WriteAsync(people[i], NpgsqlDbType.Uuid);
                await WriteTextAsync(copy, identified ? $"First{i % 977}" : null);
                await WriteTextAsync(copy, identified ? $"Last{i % 991}" : null);
                await WriteTextAsync(copy, identified ? Email(i) : null);
                await copy.WriteAsync(Array.Empty<string>(), NpgsqlDbType.Array | NpgsqlDbType.Text);
                await copy.WriteAsync(Array.Empty<string>(), NpgsqlDbType.Array | NpgsqlDbType.Text);
                await copy.WriteAsync("{}", NpgsqlDbType.Jsonb);
                await copy.WriteAsync(Domain.Crm.LifecycleStages.Lead, NpgsqlDbType.Varchar);
                await copy.WriteAsync(identified, NpgsqlDbType.Boolean);
                await copy.WriteAsync(created, NpgsqlDbType.TimestampTz);
                await copy.WriteAsync(last ?? created, NpgsqlDbType.TimestampTz);
                await WriteTimeAsync(copy, first);
                await WriteTimeAsync(copy, last);
                anonymousIds[i] = AnonymousId(i);
                if (identified)
                {
                    userIds.Add(UserId(i));
                }
            }

            await copy.CompleteAsync();
        }

        await using (var copy = await connection.BeginBinaryImportAsync("COPY cdp_identities (type, value, person_id, created_at) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < profiles; i++)
            {
                await WriteIdentityAsync(copy, IdentityTypes.AnonymousId, AnonymousId(i), people[i], from);
                if (Identified(i))
                {
                    await WriteIdentityAsync(copy, IdentityTypes.UserId, UserId(i), people[i], from);
                    await WriteIdentityAsync(copy, IdentityTypes.Email, Email(i), people[i], from);
                }
            }

            await copy.CompleteAsync();
        }

        await using (var copy = await connection.BeginBinaryImportAsync("COPY cdp_profile_traits (person_id, traits, updated_at) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < profiles; i++)
            {
                if (Identified(i))
                {
                    await copy.StartRowAsync();
                    await copy.WriteAsync(people[i], NpgsqlDbType.Uuid);
                    await copy.WriteAsync(IdentifyTraits(i), NpgsqlDbType.Jsonb);
                    await copy.WriteAsync(now, NpgsqlDbType.TimestampTz);
                }
            }

            await copy.CompleteAsync();
        }

        Console.WriteLine($"COPY {profiles:N0} people, {profiles + userIds.Count * 2:N0} identities, {userIds.Count:N0} identify trait sets: {watch.Elapsed.TotalSeconds:N1} s");
        watch.Restart();
        await ExecuteAsync(connection, "ANALYZE");
        Console.WriteLine($"ANALYZE: {watch.Elapsed.TotalSeconds:N1} s");
        await using (var size = new NpgsqlCommand("SELECT pg_size_pretty(pg_database_size(current_database()))", connection))
        {
            Console.WriteLine($"Database size: {await size.ExecuteScalarAsync()}");
        }

        // The typical person: an identified one near the middle, with however many events chance gave them.
        var typical = Enumerable.Range(profiles / 2, profiles / 2).First(i => Identified(i) && lastSeen[i] > 0);
        return new Generated(people[0], people[typical], anonymousIds, [.. userIds], people);
    }

    private static async Task MeasureProfilePageAsync(MonfriServices app, ClaimsPrincipal admin, string label, Guid personId, int runs)
    {
        var header = new List<double>();
        var timeline = new List<double>();
        var total = new List<double>();
        var items = 0;
        for (var i = 0; i < runs + 3; i++)
        {
            var watch = Stopwatch.StartNew();
            var profile = await app.SendAs(admin, new GetPersonProfileQuery(personId));
            var afterHeader = watch.Elapsed.TotalMilliseconds;
            var page = await app.SendAs(admin, new GetProfileTimelineQuery(personId));
            var all = watch.Elapsed.TotalMilliseconds;
            if (!profile.IsSuccess || !page.IsSuccess)
            {
                throw new InvalidOperationException(profile.ErrorMessage ?? page.ErrorMessage);
            }

            items = page.Value.Items.Count;
            if (i >= 3)
            {
                header.Add(afterHeader);
                timeline.Add(all - afterHeader);
                total.Add(all);
            }
        }

        Console.WriteLine($"Profile page, {label} ({items} timeline items):");
        Print("  GetPersonProfile", header);
        Print("  GetProfileTimeline (first page)", timeline);
        Print("  page server time (both)", total);
    }

    private static async Task MeasureTraitsApiAsync(MonfriProcess web, MonfriServices app, ClaimsPrincipal admin, Generated data, int requests)
    {
        var random = new Random(7);
        string Pick(int i) => i % 2 == 0
            ? $"{IdentityTypes.AnonymousId}:{data.AnonymousIds[random.Next(data.AnonymousIds.Length)]}"
            : $"{IdentityTypes.UserId}:{data.UserIds[random.Next(data.UserIds.Length)]}";

        using var http = web.AdminClient();
        var overHttp = new List<double>();
        for (var i = 0; i < requests + 100; i++)
        {
            var identity = Pick(i);
            var watch = Stopwatch.StartNew();
            using var response = await http.GetAsync($"/api/v1/profiles/{Uri.EscapeDataString(identity)}/traits");
            var body = await response.Content.ReadAsByteArrayAsync();
            watch.Stop();
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{identity}: {(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(body)}");
            }

            if (i >= 100)
            {
                overHttp.Add(watch.Elapsed.TotalMilliseconds);
            }
        }

        var inProcess = new List<double>();
        for (var i = 0; i < requests + 100; i++)
        {
            var identity = Pick(i);
            var colon = identity.IndexOf(':', StringComparison.Ordinal);
            var watch = Stopwatch.StartNew();
            var result = await app.SendAs(admin, new GetProfileTraitsQuery(identity[..colon], identity[(colon + 1)..]));
            watch.Stop();
            if (!result.IsSuccess)
            {
                throw new InvalidOperationException(result.ErrorMessage);
            }

            if (i >= 100)
            {
                inProcess.Add(watch.Elapsed.TotalMilliseconds);
            }
        }

        Console.WriteLine($"Traits API, {requests:N0} random identities (half anonymous_id, half user_id), one request at a time:");
        Print("  GET /api/v1/profiles/{id}/traits (HTTP, token)", overHttp, withP99: true);
        Print("  GetProfileTraitsQuery (in-process Mediator)", inProcess, withP99: true);
    }

    private static async Task MeasureVisitorStreamAsync(MonfriServices app, ClaimsPrincipal admin, string connectionString, int runs)
    {
        var times = new List<double>();
        for (var i = 0; i < runs + 3; i++)
        {
            var watch = Stopwatch.StartNew();
            var result = await app.SendAs(admin, new ListVisitorEventsQuery(new VisitorEventFilter()));
            watch.Stop();
            if (!result.IsSuccess)
            {
                throw new InvalidOperationException(result.ErrorMessage);
            }

            if (i >= 3)
            {
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
        }

        Console.WriteLine("Visitors page (ListVisitorEventsQuery, no filter, 200 newest of the last 7 days):");
        Print("  server time", times);

        // The same statement the stream's store runs (EventTimelineStore.LatestEventsAsync, no filter).
        await ExplainAsync(connectionString, "visitor stream", """
            SELECT id, person_id, source_id, type, event, "timestamp", user_id, anonymous_id, properties::text, context::text
            FROM cdp_events WHERE "timestamp" > now() - interval '7 days' ORDER BY "timestamp" DESC, id DESC LIMIT 200
            """);
        // "Active now" beside it (ListVisitorEventsHandler: people seen in the last five minutes).
        await ExplainAsync(connectionString, "active now", """
            SELECT id, is_contact, first_name, last_name, email, last_seen_at FROM people
            WHERE last_seen_at >= now() - interval '5 minutes' ORDER BY last_seen_at DESC LIMIT 100
            """);
    }

    /// <summary>The plans of the event reads the profile page makes (EventTimelineStore), for the person given.</summary>
    private static async Task ExplainProfileReadsAsync(string connectionString, Guid personId)
    {
        await ExplainAsync(connectionString, "timeline, first page of events", """
            SELECT id, person_id, source_id, type, event, "timestamp", user_id, anonymous_id, properties::text, context::text
            FROM cdp_events WHERE person_id = $1 ORDER BY "timestamp" DESC, id DESC LIMIT 51
            """, personId);
        await ExplainAsync(connectionString, "first identified at", """
            SELECT "timestamp" FROM cdp_events WHERE person_id = $1 AND (type = 'identify' OR user_id IS NOT NULL)
            ORDER BY "timestamp" LIMIT 1
            """, personId);
        await ExplainAsync(connectionString, "latest context", """
            SELECT context::text FROM cdp_events WHERE person_id = $1 AND context IS NOT NULL AND context <> '{}'::jsonb
            ORDER BY "timestamp" DESC LIMIT 1
            """, personId);
    }

    private static async Task ExplainAsync(string connectionString, string label, string sql, Guid? personId = null)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var explain = new NpgsqlCommand($"EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON) {sql}", connection);
        if (personId is { } id)
        {
            explain.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        }

        await using var reader = await explain.ExecuteReaderAsync();
        Console.WriteLine($"  plan ({label}):");
        while (await reader.ReadAsync())
        {
            Console.WriteLine($"    {reader.GetString(0)}");
        }
    }

    /// <summary>
    /// Defines the computed traits a shop would start with through the REST API (as an operator would) and waits for
    /// their backfill over the stored events, which the running app does one trait after another. Prints how long
    /// each took and how many stored events per second it read. Returns the traits' ids by key.
    /// </summary>
    private static async Task<Dictionary<string, Guid>> DefineTraitsAsync(MonfriProcess web, string connectionString, long events)
    {
        // The generated orders carry their value in `price` (the live ones below carry it too).
        object[] definitions =
        [
            new { key = "page_views_30d", name = "Page views, last 30 days", kind = "EventCount", eventType = "page", windowDays = 30 },
            new { key = "total_revenue", name = "Total revenue", kind = "Sum", eventType = "track", eventName = "Order Completed", propertyPath = "price" },
            new { key = "last_viewed_category", name = "Last viewed category", kind = "LastValue", eventType = "track", eventName = "Product Viewed", propertyPath = "category" },
            new { key = OrdersTrait, name = "Orders", kind = "EventCount", eventType = "track", eventName = "Order Completed" },
        ];

        using var http = web.AdminClient();
        var ids = new Dictionary<string, Guid>();
        var watch = Stopwatch.StartNew();
        foreach (var definition in definitions)
        {
            using var response = await http.PostAsJsonAsync("/api/v1/computed-traits", definition);
            var body = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"Defining a trait failed: {(int)response.StatusCode} {body}");
            }

            using var json = System.Text.Json.JsonDocument.Parse(body);
            ids[json.RootElement.GetProperty("key").GetString()!] = json.RootElement.GetProperty("id").GetGuid();
        }

        Console.WriteLine($"Computed traits: {ids.Count} defined over the API ({string.Join(", ", ids.Keys)}); backfill over {events:N0} stored events (one trait after another):");
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var finished = new Dictionary<string, TimeSpan>();
        var lastReport = TimeSpan.Zero;
        while (finished.Count < ids.Count)
        {
            await using (var status = new NpgsqlCommand("SELECT key, status, progress, status_reason FROM cdp_computed_traits", connection))
            await using (var reader = await status.ExecuteReaderAsync())
            {
                var progress = new List<string>();
                while (await reader.ReadAsync())
                {
                    var (key, state) = (reader.GetString(0), reader.GetString(1));
                    if (state == "Failed")
                    {
                        throw new InvalidOperationException($"The backfill of {key} failed: {reader.GetString(3)}");
                    }

                    if (state == "Ready" && !finished.ContainsKey(key))
                    {
                        finished[key] = watch.Elapsed;
                    }

                    progress.Add($"{key} {reader.GetInt32(2)} %");
                }

                if (watch.Elapsed - lastReport > TimeSpan.FromSeconds(60))
                {
                    lastReport = watch.Elapsed;
                    Console.WriteLine($"  … {watch.Elapsed.TotalSeconds:N0} s: {string.Join(", ", progress)}; load average {LoadAverage()}");
                }
            }

            await Task.Delay(250);
        }

        var previous = TimeSpan.Zero;
        foreach (var (key, at) in finished.OrderBy(f => f.Value))
        {
            var took = at - previous;
            previous = at;
            Console.WriteLine($"  {key,-22} ready after {at.TotalSeconds,7:N1} s (its own pass {took.TotalSeconds,6:N1} s)");
        }

        Console.WriteLine($"  all {ids.Count} traits: {previous.TotalSeconds:N1} s — {ids.Count} passes over the stored events, {ids.Count * events / previous.TotalSeconds:N0} events/s "
            + $"(the 30-day trait reads only its window); load average {LoadAverage()}");
        await using (var counts = new NpgsqlCommand(
            "SELECT (SELECT count(*) FROM cdp_trait_values), (SELECT count(*) FROM cdp_trait_buckets), pg_size_pretty(pg_total_relation_size('cdp_trait_values') + pg_total_relation_size('cdp_trait_buckets'))", connection))
        await using (var reader = await counts.ExecuteReaderAsync())
        {
            await reader.ReadAsync();
            Console.WriteLine($"  state: {reader.GetInt64(0):N0} values, {reader.GetInt64(1):N0} daily buckets, {reader.GetString(2)}");
        }

        return ids;
    }

    private sealed class Probe(int person, Guid personId, long baseline)
    {
        public int Person { get; } = person;
        public Guid PersonId { get; } = personId;

        /// <summary>Orders the trait should show once the probe's latest order is in.</summary>
        public long Expected { get; set; } = baseline;

        public long AcceptedAt { get; set; }
        public bool Measured { get; set; }
    }

    /// <summary>
    /// The lag from an event's acceptance (the 200 from <c>/v1/batch</c>) to the person's computed traits reflecting
    /// it, while events arrive at <paramref name="eventsPerSecond"/> through the running app's collection endpoint.
    /// Paced senders post batches of existing anonymous and signed-in people and new visitors (pages, product views,
    /// carts, orders). Each batch also carries one order of a probe person — a profile of the dataset that no other
    /// event touches and whose order count is known — and a probe is used again only after its last order was seen,
    /// so "the count reached n" means exactly "this order is in". A poller reads the probes' values from
    /// <c>cdp_trait_values</c> every 10 ms on its own connection; the lag of a sample is from the 200 to the end of
    /// the first read that showed it.
    /// </summary>
    private static async Task MeasureComputedTraitLagAsync(MonfriProcess web, string connectionString, Generated data, LagProbe read, int eventsPerSecond)
    {
        const int Senders = 8;
        const int BatchSize = 50;
        const int ProbeCount = 400;
        var warmUp = TimeSpan.FromSeconds(10);
        var measured = TimeSpan.FromSeconds(45);
        var profiles = data.People.Length;
        connectionString = new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = "bench" }.ConnectionString;

        // Probes: half signed-in customers (sent with their user id), half anonymous visitors, spread over the dataset.
        var probeIndexes = Enumerable.Range(0, profiles).Where(i => i > 0).Select(i => (int)((long)i * 7919 % profiles)).Distinct().Where(i => i > 0);
        var chosen = probeIndexes.Where(Identified).Take(ProbeCount / 2).Concat(probeIndexes.Where(i => !Identified(i)).Take(ProbeCount / 2)).ToArray();
        var probeSet = chosen.ToHashSet();
        var probes = new Dictionary<Guid, Probe>();
        await using (var poll = new NpgsqlConnection(connectionString))
        {
            await poll.OpenAsync();
            var baseline = await read.ReadAsync(poll, chosen.Select(i => data.People[i]).ToArray());
            foreach (var i in chosen)
            {
                probes[data.People[i]] = new Probe(i, data.People[i], baseline.GetValueOrDefault(data.People[i]));
            }
        }

        var free = new System.Collections.Concurrent.ConcurrentQueue<Probe>(probes.Values);
        var pending = new System.Collections.Concurrent.ConcurrentDictionary<Guid, Probe>();
        var lags = new List<double>();
        var accepts = new List<double>();
        var refused = 0;
        var probeless = 0;
        long acceptedEvents = 0;
        var clock = Stopwatch.StartNew();
        var measureFrom = clock.Elapsed + warmUp;
        var sendUntil = measureFrom + measured;
        var sending = true;

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = new Uri(web.BaseUrl) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{WriteKey}:")));

        // The intake's depth (accepted, not yet processed events): does it stay bounded or grow?
        var depths = new List<(double At, long Events)>();
        var sampler = Task.Run(async () =>
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            while (sending || depths.Count == 0 || depths[^1].Events > 0)
            {
                await using var depth = new NpgsqlCommand("SELECT coalesce(sum(event_count), 0)::bigint FROM cdp_intake", connection);
                var events = (long)(await depth.ExecuteScalarAsync())!;
                lock (depths)
                {
                    depths.Add((clock.Elapsed.TotalSeconds, events));
                }

                await Task.Delay(250);
            }
        });

        var poller = Task.Run(async () =>
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            while (sending || !pending.IsEmpty)
            {
                var waiting = pending.Values.ToArray();
                if (waiting.Length > 0)
                {
                    var values = await read.ReadAsync(connection, waiting.Select(p => p.PersonId).ToArray());
                    var seenAt = clock.ElapsedTicks;
                    foreach (var probe in waiting)
                    {
                        if (values.GetValueOrDefault(probe.PersonId) >= probe.Expected && pending.TryRemove(probe.PersonId, out _))
                        {
                            if (probe.Measured)
                            {
                                lock (lags)
                                {
                                    lags.Add((seenAt - probe.AcceptedAt) * 1000.0 / Stopwatch.Frequency);
                                }
                            }

                            free.Enqueue(probe);
                        }
                    }
                }

                if (!sending && clock.Elapsed > sendUntil + TimeSpan.FromMinutes(5))
                {
                    throw new TimeoutException($"{pending.Count} probe orders were not reflected 5 minutes after sending stopped.");
                }

                await Task.Delay(10);
            }
        });

        var interval = TimeSpan.FromSeconds((double)BatchSize * Senders / eventsPerSecond);
        var loadBefore = LoadAverage();

        // Where the database's time goes while measuring: the app's active statements sampled every 20 ms (what
        // runs and what it waits for), and the CPU the app and the cluster used per event processed.
        var activity = new Dictionary<string, int>();
        var activitySamples = 0;
        var cpu = Task.Run(async () =>
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            int postmaster;
            await using (var backend = new NpgsqlCommand("SELECT pg_backend_pid()", connection))
            {
                postmaster = ParentOf((int)(await backend.ExecuteScalarAsync())!);
            }

            async Task<long> DepthAsync()
            {
                await using var depth = new NpgsqlCommand("SELECT coalesce(sum(event_count), 0)::bigint FROM cdp_intake", connection);
                return (long)(await depth.ExecuteScalarAsync())!;
            }

            // Deadlocks the database broke (each after deadlock_timeout; the claim that lost is redone whole).
            async Task<long> DeadlocksAsync()
            {
                await using var stats = new NpgsqlCommand("SELECT pg_stat_clear_snapshot(); SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()", connection);
                await using var reader = await stats.ExecuteReaderAsync();
                await reader.NextResultAsync();
                await reader.ReadAsync();
                return reader.GetInt64(0);
            }

            await Task.Delay(measureFrom - clock.Elapsed);
            var deadlocksFrom = await DeadlocksAsync();
            var (depthFrom, cpuFrom, benchFrom) = (await DepthAsync(), CpuNow(web.ProcessId, postmaster), Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds);
            while (clock.Elapsed < sendUntil)
            {
                await using var active = new NpgsqlCommand(
                    """
                    SELECT left(regexp_replace(query, '\s+', ' ', 'g'), 90), coalesce(wait_event_type || ':' || wait_event, 'running')
                    FROM pg_stat_activity
                    WHERE datname = current_database() AND state = 'active' AND application_name <> 'bench' AND backend_type = 'client backend'
                    """, connection);
                await using (var reader = await active.ExecuteReaderAsync())
                {
                    while (await reader.ReadAsync())
                    {
                        var key = $"{reader.GetString(1),-28} {reader.GetString(0)}";
                        activity[key] = activity.GetValueOrDefault(key) + 1;
                    }
                }

                activitySamples++;
                await Task.Delay(20);
            }

            var (depthTo, cpuTo, benchTo) = (await DepthAsync(), CpuNow(web.ProcessId, postmaster), Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds);
            var deadlocksTo = await DeadlocksAsync();
            return (DepthGrowth: depthTo - depthFrom, Web: cpuTo.Web - cpuFrom.Web, Postgres: cpuTo.Postgres - cpuFrom.Postgres, Bench: benchTo - benchFrom,
                Deadlocks: deadlocksTo - deadlocksFrom);
        });
        var senders = Enumerable.Range(0, Senders).Select(s => Task.Run(async () =>
        {
            var random = new Random(1000 + s);
            var newVisitors = 0;
            var next = clock.Elapsed + interval * s / Senders;
            var events = new List<string>(BatchSize);
            while (next < sendUntil)
            {
                var wait = next - clock.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait);
                }

                var inWindow = next >= measureFrom;
                next += interval;
                events.Clear();
                Probe? probe = free.TryDequeue(out var p) ? p : null;
                for (var e = events.Count; e < BatchSize - (probe is null ? 0 : 1); e++)
                {
                    events.Add(LiveEvent(random, data, probeSet, s, ref newVisitors));
                }

                if (probe is not null)
                {
                    events.Insert(random.Next(events.Count + 1), Order(random, Identified(probe.Person) ? UserId(probe.Person) : null, AnonymousId(probe.Person)));
                }

                var body = new StringContent("{\"batch\":[" + string.Join(',', events) + "]}", System.Text.Encoding.UTF8, "application/json");
                var sentAt = clock.ElapsedTicks;
                using var response = await http.PostAsync("/v1/batch", body);
                var acceptedAt = clock.ElapsedTicks;
                if (!response.IsSuccessStatusCode)
                {
                    // Whether a refused batch's probe order counts is unknown: that probe is not used again.
                    Interlocked.Increment(ref refused);
                    continue;
                }

                if (inWindow)
                {
                    Interlocked.Add(ref acceptedEvents, events.Count);
                    lock (accepts)
                    {
                        accepts.Add((acceptedAt - sentAt) * 1000.0 / Stopwatch.Frequency);
                    }

                    if (probe is null)
                    {
                        Interlocked.Increment(ref probeless);
                    }
                }

                if (probe is not null)
                {
                    probe.Expected++;
                    probe.AcceptedAt = acceptedAt;
                    probe.Measured = inWindow;
                    pending[probe.PersonId] = probe;
                }
            }
        })).ToArray();

        await Task.WhenAll(senders);
        var used = await cpu;
        var sentFor = clock.Elapsed - measureFrom;
        var loadDuring = LoadAverage();
        sending = false;
        await poller;
        var drained = clock.Elapsed - sendUntil;
        await sampler;

        var inMeasurement = depths.Where(d => d.At >= measureFrom.TotalSeconds && d.At <= sendUntil.TotalSeconds).Select(d => d.Events).ToList();
        var thirds = Enumerable.Range(0, 3).Select(t => inMeasurement.Skip(inMeasurement.Count * t / 3).Take(Math.Max(1, inMeasurement.Count / 3)).DefaultIfEmpty().Average()).ToArray();
        Console.WriteLine($"Lag from acceptance to {read.Label} at {eventsPerSecond:N0} events/s offered ({Senders} paced senders, batches of {BatchSize}, one probe order per batch; "
            + $"{warmUp.TotalSeconds:N0} s warm-up, then {measured.TotalSeconds:N0} s measured; {probes.Count} probe people):");
        Console.WriteLine($"  accepted {acceptedEvents / sentFor.TotalSeconds:N0} events/s ({acceptedEvents:N0} events in {sentFor.TotalSeconds:N1} s); refused batches {refused}; batches without a free probe {probeless}");
        Print("  accept latency (POST /v1/batch → 200)", accepts, withP99: true);
        Print($"  lag 200 → value current ({lags.Count:N0} samples)", lags, withP99: true);
        Console.WriteLine($"  intake depth while measuring: mean by thirds {thirds[0]:N0} / {thirds[1]:N0} / {thirds[2]:N0} events, max {inMeasurement.DefaultIfEmpty().Max():N0}; "
            + $"all probes current {drained.TotalSeconds:N1} s after the last send; load average before {loadBefore}, at the end {loadDuring}");
        var processed = acceptedEvents - used.DepthGrowth;
        Console.WriteLine($"  processed ≈ {processed / sentFor.TotalSeconds:N0} events/s by the app's workers; CPU per event processed: app {used.Web * 1e6 / processed:N0} µs (accepting and ingesting), "
            + $"PostgreSQL {used.Postgres * 1e6 / processed:N0} µs, this benchmark {used.Bench * 1e6 / processed:N0} µs; "
            + $"together {(used.Web + used.Postgres + used.Bench) / sentFor.TotalSeconds:N2} of {Environment.ProcessorCount} cores");
        Console.WriteLine($"  while measuring: {used.Deadlocks:N0} deadlocks between the app's transactions, each broken by PostgreSQL after deadlock_timeout (1 s) and the losing claim redone");
        Console.WriteLine($"  the app's statements in PostgreSQL, sampled every 20 ms: share of {activitySamples:N0} samples in which a backend ran or waited in it "
            + $"(mean active backends {activity.Values.Sum() / (double)Math.Max(1, activitySamples):N2}):");
        foreach (var (statement, count) in activity.OrderByDescending(a => a.Value).Take(12))
        {
            Console.WriteLine($"    {count * 100.0 / Math.Max(1, activitySamples),5:N1} %  {statement}");
        }
    }

    /// <summary>What a probe's sample waits for: a count per person that each probe order raises by one.</summary>
    private sealed record LagProbe(string Label, string Sql)
    {
        public async Task<Dictionary<Guid, long>> ReadAsync(NpgsqlConnection connection, Guid[] people)
        {
            await using var read = new NpgsqlCommand(Sql, connection);
            read.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = people });
            var values = new Dictionary<Guid, long>();
            await using var reader = await read.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                values[reader.GetGuid(0)] = reader.GetInt64(1);
            }

            return values;
        }
    }

    /// <summary>
    /// CPU seconds (user + system) so far of the running app and of the database cluster (its postmaster and every
    /// backend): unlike a rate, CPU per event hardly moves when other work shares the machine.
    /// </summary>
    private static (double Web, double Postgres) CpuNow(int webPid, int postmasterPid)
    {
        double web = 0, postgres = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                if (!int.TryParse(Path.GetFileName(dir), out var pid))
                {
                    continue;
                }

                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var parent = int.Parse(fields[1], CultureInfo.InvariantCulture);
                double Ticks(int from, int count) => Enumerable.Range(from, count).Sum(f => long.Parse(fields[f], CultureInfo.InvariantCulture)) / 100.0;
                if (pid == webPid)
                {
                    web += Ticks(11, 2);
                }
                else if (pid == postmasterPid)
                {
                    postgres += Ticks(11, 4); // with its exited children
                }
                else if (parent == postmasterPid)
                {
                    postgres += Ticks(11, 2);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
            {
                // A process that ended meanwhile.
            }
        }

        return (web, postgres);
    }

    private static int ParentOf(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// A live event (≈ 300–450 bytes): half from existing visitors (anonymous id), a quarter from signed-in
    /// customers (user id), a quarter from new visitors; 60 % page views, then product views, carts and orders.
    /// Probe people never appear here.
    /// </summary>
    private static string LiveEvent(Random random, Generated data, HashSet<int> probes, int sender, ref int newVisitors)
    {
        string anonymousId;
        string? userId = null;
        var who = random.Next(4);
        if (who < 3)
        {
            int person;
            do
            {
                person = random.Next(1, data.People.Length);
            }
            while (probes.Contains(person) || (who == 2 && !Identified(person)));

            anonymousId = AnonymousId(person);
            userId = who == 2 ? UserId(person) : null;
        }
        else
        {
            // A new visitor comes back a few times: one in four of these events starts a new one.
            var visitor = random.Next(4) == 0 || newVisitors == 0 ? ++newVisitors : random.Next(1, newVisitors + 1);
            anonymousId = $"live-{sender}-{visitor:x6}-{(uint)(visitor * 2654435761u):x8}";
        }

        var roll = random.Next(100);
        if (roll >= 95)
        {
            return Order(random, userId, anonymousId);
        }

        var product = random.Next(1, 5_000);
        var user = userId is null ? "" : $"\"userId\":\"{userId}\",";
        var head = $"\"messageId\":\"{Guid.NewGuid()}\",{user}\"anonymousId\":\"{anonymousId}\",\"timestamp\":\"{DateTime.UtcNow:O}\"";
        var context = $"\"context\":{{\"ip\":\"203.0.113.{product % 256}\",\"locale\":\"{Locales[product % Locales.Length]}\",\"library\":{{\"name\":\"analytics.js\",\"version\":\"5.2.0\"}}}}";
        return roll < 60
            ? $"{{\"type\":\"page\",{head},\"name\":\"Product\",\"properties\":{{\"path\":\"/products/{product}\",\"url\":\"https://shop.example/products/{product}\",\"title\":\"Product {product} – Example Shop\",\"referrer\":\"https://shop.example/\"}},{context}}}"
            : $"{{\"type\":\"track\",{head},\"event\":\"{(roll < 85 ? "Product Viewed" : "Added to Cart")}\",\"properties\":{{\"product_id\":\"P-{product}\",\"name\":\"Product {product}\",\"price\":{(product % 200 + 0.9).ToString(CultureInfo.InvariantCulture)},\"currency\":\"EUR\",\"category\":\"{Categories[product % Categories.Length]}\"}},{context}}}";
    }

    private static string Order(Random random, string? userId, string anonymousId)
    {
        var value = (random.Next(1_000, 40_000) / 100m).ToString(CultureInfo.InvariantCulture);
        var user = userId is null ? "" : $"\"userId\":\"{userId}\",";
        return $"{{\"type\":\"track\",\"messageId\":\"{Guid.NewGuid()}\",{user}\"anonymousId\":\"{anonymousId}\",\"timestamp\":\"{DateTime.UtcNow:O}\",\"event\":\"Order Completed\","
            + $"\"properties\":{{\"order_id\":\"O-{random.Next():x8}\",\"price\":{value},\"revenue\":{value},\"currency\":\"EUR\",\"products\":{random.Next(1, 4)}}},\"context\":{{\"ip\":\"203.0.113.9\",\"library\":{{\"name\":\"analytics.js\",\"version\":\"5.2.0\"}}}}}}";
    }

    private static void Print(string label, List<double> times, bool withP99 = false)
    {
        times.Sort();
        var p99 = withP99 ? $"   p99 {times[(int)(times.Count * 0.99)],7:N1} ms" : "";
        Console.WriteLine($"{label,-50} median {times[times.Count / 2],7:N1} ms   p95 {times[(int)(times.Count * 0.95)],7:N1} ms{p99}   max {times[^1],7:N1} ms");
    }

    private static string AnonymousId(int person) => $"anon-{person:x8}-{(uint)(person * 2654435761u):x8}";

    private static string UserId(int person) => $"user-{person}";

    private static string Email(int person) => $"visitor{person}@shop.example";

    private static string IdentifyTraits(int person) =>
        $$"""{"email":"{{Email(person)}}","first_name":"First{{person % 977}}","last_name":"Last{{person % 991}}","plan":"{{(person % 3 == 0 ? "pro" : "free")}}","company":"Company {{person % 5000}}","newsletter":{{(person % 2 == 0 ? "true" : "false")}}}""";

    private static string Properties(string type, int person, int product) => type switch
    {
        "page" => $$"""{"url":"https://shop.example/products/{{product}}?utm_source=newsletter&utm_medium=email","path":"/products/{{product}}","title":"Product {{product}} – Example Shop","referrer":"https://www.google.com/","search":"?utm_source=newsletter&utm_medium=email"}""",
        "track" => $$"""{"product_id":"P-{{product}}","sku":"SKU-{{product:D6}}","name":"Product {{product}}","price":{{(product % 200 + 0.9).ToString(CultureInfo.InvariantCulture)}},"currency":"EUR","quantity":{{product % 3 + 1}},"category":"{{Categories[product % Categories.Length]}}","brand":"Example"}""",
        _ => IdentifyTraits(person),
    };

    private static string Context(int person, int product) =>
        $$$"""{"ip":"203.0.{{{person % 256}}}.{{{product % 256}}}","locale":"{{{Locales[person % Locales.Length]}}}","timezone":"{{{Zones[person % Zones.Length]}}}","userAgent":"{{{Agents[person % Agents.Length]}}}","library":{"name":"analytics.js","version":"5.2.0"},"page":{"path":"/products/{{{product}}}","url":"https://shop.example/products/{{{product}}}"}}""";

    private static async Task WriteIdentityAsync(NpgsqlBinaryImporter copy, string type, string value, Guid person, DateTimeOffset at)
    {
        await copy.StartRowAsync();
        await copy.WriteAsync(type, NpgsqlDbType.Varchar);
        await copy.WriteAsync(value, NpgsqlDbType.Varchar);
        await copy.WriteAsync(person, NpgsqlDbType.Uuid);
        await copy.WriteAsync(at, NpgsqlDbType.TimestampTz);
    }

    private static async Task WriteTextAsync(NpgsqlBinaryImporter copy, string? value)
    {
        if (value is null)
        {
            await copy.WriteNullAsync();
        }
        else
        {
            await copy.WriteAsync(value, NpgsqlDbType.Varchar);
        }
    }

    private static async Task WriteTimeAsync(NpgsqlBinaryImporter copy, DateTimeOffset? value)
    {
        if (value is null)
        {
            await copy.WriteNullAsync();
        }
        else
        {
            await copy.WriteAsync(value.Value, NpgsqlDbType.TimestampTz);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync();
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
