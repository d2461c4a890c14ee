using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Security.Claims;
using Monfri.Application.Cdp.Profiles;
using Monfri.Application.Cdp.Visitors;
using Monfri.Domain.Cdp;
using Monfri.Infrastructure.Ingestion;
using Monfri.TestSupport;
using Npgsql;
using NpgsqlTypes;

namespace Monfri.Benchmarks;

/// <summary>
/// Profiles at scale: N profiles (30 % identified, with a user id, an email and identify traits) and M events over
/// the last three months, written with binary COPY; one identified person has exactly 10,000 events. Then measures
/// the profile page's server time (the real <see cref="GetPersonProfileQuery"/> and first <see cref="GetProfileTimelineQuery"/>
/// page through the Mediator pipeline as an admin), the traits API (the real HTTP endpoint of a running Monfri
/// process, over loopback with an API token) for random anonymous and user ids, and the visitor stream's query.
/// </summary>
public static class ProfileBenchmark
{
    private const int HeavyPersonEvents = 10_000;
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

        // The real app (its HTTP endpoints, API token auth) and the same services in-process, on one database.
        var connectionString = await TestPostgres.CreateDatabaseAsync("bench_profiles");
        await using var web = await MonfriProcess.StartAsync(new Dictionary<string, string?> { ["ConnectionStrings__Monfri"] = connectionString });
        await using var app = await MonfriServices.StartAsync(connectionString: connectionString, seed: false);
        var admin = await app.AdminAsync();

        var data = await GenerateAsync(connectionString, profiles, events);

        await MeasureProfilePageAsync(app, admin, "person with 10,000 events", data.HeavyPerson, runs);
        await MeasureProfilePageAsync(app, admin, "typical person (identified)", data.TypicalPerson, runs);
        await ExplainProfileReadsAsync(connectionString, data.HeavyPerson);
        await MeasureTraitsApiAsync(web, app, admin, data, Math.Max(runs, 1000));
        await MeasureVisitorStreamAsync(app, admin, connectionString, runs);
        await MeasureComputedTraitLagAsync(web, connectionString, eventsPerSecond: 5_000);
    }

    private sealed record Generated(Guid HeavyPerson, Guid TypicalPerson, string[] AnonymousIds, string[] UserIds);

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

        // Three in ten profiles are identified; profile 0 is the one with 10,000 events and signs up halfway.
        static bool Identified(int i) => i % 10 < 3;
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
        return new Generated(people[0], people[typical], anonymousIds, [.. userIds]);
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
    /// THIRD MEASUREMENT — to be written once computed traits are merged: the lag between an event's acceptance
    /// (the 200 from <c>/v1/batch</c>) and the person's computed traits reflecting it, while events arrive at
    /// <paramref name="eventsPerSecond"/>. Plan: define a count trait, send batches at the given rate through
    /// <paramref name="web"/>'s collection endpoint, stamp each batch's acceptance time, poll
    /// <c>cdp_trait_values</c> (via <paramref name="connectionString"/>) until each batch's count is included,
    /// and print the median and p95 lag. Nothing is measured in this build: it has no computed traits to wait for.
    /// </summary>
    private static Task MeasureComputedTraitLagAsync(MonfriProcess web, string connectionString, int eventsPerSecond)
    {
        _ = web;
        _ = connectionString;
        Console.WriteLine($"Computed-trait lag at {eventsPerSecond:N0} events/s: not measured (computed traits are not in this build).");
        return Task.CompletedTask;
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
