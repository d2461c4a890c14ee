// Event ingestion benchmark (docs/benchmarks.md, "Event ingestion"). One run, one machine, PostgreSQL with
// fsync and synchronous_commit on:
//   (a) raw binary COPY of representative rows into cdp_events: the ceiling;
//   (b) events/s accepted by a real Monfri process through /v1/batch from concurrent senders (100 events per batch);
//   (c) events/s the ingest workers turn accepted events into stored, resolved events;
//   (d) accept latency p50/p99 at half of (b)'s rate;
//   (e) with the workers on, whether they keep up with senders offering a steady rate (backlog sampled).
// Usage: dotnet run -c Release --project bench/Monfri.Benchmarks.Ingest -- [seconds=10] [senders=32] [worker loops=2] [steady rates=25000,40000]
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Monfri.Infrastructure.Ingestion;
using Monfri.Infrastructure.Postgres;
using Monfri.TestSupport;
using Npgsql;
using NpgsqlTypes;

var seconds = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 10;
var senders = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 32;
var workers = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 2;
// (e) steady offered rates, events/s: the goal rate for (b), and above it.
var steadyRates = args.Length > 3 ? args[3].Split(',').Select(r => int.Parse(r, System.Globalization.CultureInfo.InvariantCulture)).ToArray() : [25_000, 40_000];
const string WriteKey = "bench_write_key_0123456789";
const int BatchSize = 100;
const int Visitors = 20_000;

var dataDir = Path.Combine(Path.GetTempPath(), $"monfri-bench-{Guid.NewGuid():N}");
var postgres = EmbeddedPostgres.Start(new EmbeddedPostgresOptions { DataDirectory = dataDir, Database = "bench" }, NullLogger.Instance);
try
{
    var cs = postgres.ConnectionString;
    Console.WriteLine($"PostgreSQL: embedded, fsync=on, synchronous_commit=on; {Environment.ProcessorCount} cores; {seconds}s per phase, {senders} senders");

    await using var monfri = await MonfriProcess.StartAsync(new Dictionary<string, string?>
    {
        ["ConnectionStrings__Monfri"] = cs,
        ["Monfri__Bootstrap__Sources__0__Name"] = "Bench",
        ["Monfri__Bootstrap__Sources__0__WriteKey"] = WriteKey,
        // Accepting is measured alone; the workers' rate is measured in (c).
        ["Monfri__Ingest__RunWorkers"] = "false",
        ["Monfri__Ingest__MaxQueuedEvents"] = "100000000",
    });

    // (a) the ceiling
    var ceilingRows = 200_000;
    var cpu = CpuNow(dataDir);
    var ceiling = await CopyCeilingAsync(cs, ceilingRows);
    var ceilingCpu = CpuPerEvent(cpu, CpuNow(dataDir), ceilingRows);
    Console.WriteLine($"(a) raw binary COPY into cdp_events: {ceiling:N0} events/s ({ceilingRows:N0} rows; CPU per event {ceilingCpu})");

    // (b) maximum accept rate
    using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512 }) { BaseAddress = new Uri(monfri.BaseUrl) };
    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{WriteKey}:")));
    await SendAsync(http, 4, TimeSpan.FromSeconds(2), null); // warm-up
    var (accepted, acceptSeconds, _) = await SendAsync(http, senders, TimeSpan.FromSeconds(seconds), null);
    var acceptRate = accepted / acceptSeconds;
    Console.WriteLine($"(b) accepted through /v1/batch: {acceptRate:N0} events/s ({accepted:N0} events)");

    // (d) latency at half load
    var (halfAccepted, halfSeconds, latencies) = await SendAsync(http, senders, TimeSpan.FromSeconds(seconds), acceptRate / 2);
    latencies.Sort();
    Console.WriteLine($"(d) at {halfAccepted / halfSeconds:N0} events/s: accept latency p50 {Percentile(latencies, 0.50):N1} ms, p99 {Percentile(latencies, 0.99):N1} ms");
    await monfri.StopAsync();

    // (c) workers drain what was accepted, resolving identities
    await using var services = await MonfriServices.StartAsync(connectionString: cs, seed: false,
        settings: new Dictionary<string, string?> { ["Monfri:Ingest:RunWorkers"] = "false" });
    var queued = await ScalarAsync(cs, "SELECT coalesce(sum(event_count), 0) FROM cdp_intake");
    var before = await ScalarAsync(cs, "SELECT count(*) FROM cdp_events");
    var processor = services.Get<IngestProcessor>();

    // Warm-up: the first claims of a fresh process are slowed by the JIT compiling the worker path (a
    // third of the CPU in a profile of a cold run); a running node pays that once, so the rate is measured after.
    var warmUp = 0;
    while (warmUp < 100_000 && (await processor.ProcessOnceAsync(CancellationToken.None)) is { Claimed: > 0 } claim)
    {
        warmUp += claim.Stored;
    }

    before = await ScalarAsync(cs, "SELECT count(*) FROM cdp_events");
    queued -= warmUp;
    cpu = CpuNow(dataDir);
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
    {
        while ((await processor.ProcessOnceAsync(CancellationToken.None)).Claimed > 0)
        {
        }
    })));
    var stored = await ScalarAsync(cs, "SELECT count(*) FROM cdp_events") - before;
    var workerRate = stored / clock.Elapsed.TotalSeconds;
    var workerCpu = CpuPerEvent(cpu, CpuNow(dataDir), stored);
    var people = await ScalarAsync(cs, "SELECT count(*) FROM people");
    Console.WriteLine($"(c) workers stored and resolved: {workerRate:N0} events/s ({stored:N0} of {queued:N0} queued events, {people:N0} profiles, {workers} workers; CPU per event {workerCpu})");
    Console.WriteLine($"(b)/(a) = {acceptRate / ceiling:N2}   (c)/(a) = {workerRate / ceiling:N2}   (c)/(b) = {workerRate / acceptRate:N2}");

    // (e) keeping up: a Monfri process with its workers on, senders offering a steady rate for the phase's length.
    // The intake backlog is sampled every half second; a rate the workers keep up with leaves it flat and near
    // zero, and what is left when the senders stop drains within a second or two.
    await using var live = await MonfriProcess.StartAsync(new Dictionary<string, string?>
    {
        ["ConnectionStrings__Monfri"] = cs,
        ["Monfri__Bootstrap__Sources__0__Name"] = "Bench",
        ["Monfri__Bootstrap__Sources__0__WriteKey"] = WriteKey,
        ["Monfri__Ingest__Workers"] = workers.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });
    using var liveHttp = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512 }) { BaseAddress = new Uri(live.BaseUrl) };
    liveHttp.DefaultRequestHeaders.Authorization = http.DefaultRequestHeaders.Authorization;
    // A fresh process spends its first seconds compiling the hot paths (a fifth of the CPU in a profile of a cold
    // run): warm it up at the first rate and let it drain, as a running node would be.
    await SendAsync(liveHttp, senders, TimeSpan.FromSeconds(seconds), steadyRates[0]);
    for (var wait = 0; wait < 1200 && await ScalarAsync(cs, "SELECT coalesce(sum(event_count), 0) FROM cdp_intake") > 0; wait++)
    {
        await Task.Delay(100);
    }

    foreach (var offered in steadyRates)
    {
        var storedBefore = await ScalarAsync(cs, "SELECT count(*) FROM cdp_events");
        using var sampling = new CancellationTokenSource();
        var backlog = new List<long>();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                backlog.Add(await ScalarAsync(cs, "SELECT coalesce(sum(event_count), 0) FROM cdp_intake"));
                await Task.Delay(500, CancellationToken.None);
            }
        });
        var (steadyAccepted, steadySeconds, _) = await SendAsync(liveHttp, senders, TimeSpan.FromSeconds(seconds * 2), offered);
        var atStop = await ScalarAsync(cs, "SELECT coalesce(sum(event_count), 0) FROM cdp_intake");
        var drain = Stopwatch.StartNew();
        while (await ScalarAsync(cs, "SELECT coalesce(sum(event_count), 0) FROM cdp_intake") > 0 && drain.Elapsed < TimeSpan.FromSeconds(120))
        {
            await Task.Delay(100);
        }

        await sampling.CancelAsync();
        await sampler;
        var storedDuring = await ScalarAsync(cs, "SELECT count(*) FROM cdp_events") - storedBefore;
        Console.WriteLine($"(e) offered {offered:N0} events/s for {steadySeconds:N0} s with workers on: accepted {steadyAccepted / steadySeconds:N0}/s, " +
            $"backlog max {backlog.DefaultIfEmpty().Max():N0} events, {atStop:N0} at stop, drained {drain.Elapsed.TotalSeconds:N1} s later; {storedDuring:N0} stored");
    }
}
finally
{
    postgres.Stop();
    Directory.Delete(dataDir, recursive: true);
}

// CPU time (user + system) of this process and of the benchmark's PostgreSQL (postmaster and its children):
// unlike a rate, it hardly moves when other work shares the machine, so it shows what a change saved.
static (double Dotnet, double Postgres) CpuNow(string dataDir)
{
    var postmaster = int.Parse(File.ReadLines(Path.Combine(dataDir, "postgres", "postmaster.pid")).First(), System.Globalization.CultureInfo.InvariantCulture);
    double pg = 0;
    foreach (var dir in Directory.EnumerateDirectories("/proc"))
    {
        try
        {
            var stat = File.ReadAllText(Path.Combine(dir, "stat"));
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var (pid, ppid) = (int.Parse(Path.GetFileName(dir), System.Globalization.CultureInfo.InvariantCulture), int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture));
            if (pid == postmaster || ppid == postmaster)
            {
                // utime, stime (+ cutime, cstime of exited children for the postmaster), in clock ticks of 10 ms.
                var ticks = long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture)
                    + (pid == postmaster ? long.Parse(fields[13], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[14], System.Globalization.CultureInfo.InvariantCulture) : 0);
                pg += ticks / 100.0;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            // A process that ended meanwhile, or not a process directory.
        }
    }

    return (Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds, pg);
}

static string CpuPerEvent((double Dotnet, double Postgres) from, (double Dotnet, double Postgres) to, long events) =>
    $"{(to.Dotnet - from.Dotnet) * 1e6 / events:N1} µs .NET + {(to.Postgres - from.Postgres) * 1e6 / events:N1} µs PostgreSQL";

static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];

static async Task<long> ScalarAsync(string cs, string sql)
{
    await using var connection = new NpgsqlConnection(cs);
    await connection.OpenAsync();
    await using var command = new NpgsqlCommand(sql, connection);
    return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
}

// Events as the official SDKs send them: a page view carries its url and referrer — one in ten from a search
// engine (a new visit, a marketing touch), the rest clicks within the site.
static string Event(Random random, int i)
{
    var visitor = random.Next(Visitors);
    var user = visitor % 10 == 0 ? $"\"userId\":\"user-{visitor}\"," : "";
    return i % 3 == 0
        ? $$$"""{"type":"page","messageId":"{{{Guid.NewGuid()}}}",{{{user}}}"anonymousId":"anon-{{{visitor}}}","name":"Pricing","timestamp":"{{{DateTime.UtcNow:O}}}","properties":{"path":"/pricing","url":"https://www.example.com/pricing","referrer":"{{{(i % 30 == 0 ? "https://www.google.com/" : "https://www.example.com/")}}}","title":"Pricing"},"context":{"ip":"203.0.113.7"}}"""
        : $$$"""{"type":"track","messageId":"{{{Guid.NewGuid()}}}",{{{user}}}"anonymousId":"anon-{{{visitor}}}","event":"Product Viewed","timestamp":"{{{DateTime.UtcNow:O}}}","properties":{"product_id":"sku-{{{i % 500}}}","price":19.99,"currency":"EUR"},"context":{"ip":"203.0.113.7"}}""";
}

static async Task<(long Accepted, double Seconds, List<double> Latencies)> SendAsync(HttpClient http, int senders, TimeSpan duration, double? targetRate)
{
    long accepted = 0;
    var latencies = new List<double>();
    var stop = DateTime.UtcNow + duration;
    var clock = Stopwatch.StartNew();
    // Paced senders: each sends one batch per interval, so together they offer targetRate events/s.
    var interval = targetRate is { } rate ? TimeSpan.FromSeconds(senders * BatchSize / rate) : TimeSpan.Zero;
    await Task.WhenAll(Enumerable.Range(0, senders).Select(s => Task.Run(async () =>
    {
        var random = new Random(s);
        var next = Stopwatch.GetTimestamp() + (long)(interval.TotalSeconds * Stopwatch.Frequency * random.NextDouble());
        var local = new List<double>();
        while (DateTime.UtcNow < stop)
        {
            if (targetRate is not null)
            {
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), next);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait);
                }

                next += (long)(interval.TotalSeconds * Stopwatch.Frequency);
            }

            var body = "{\"batch\":[" + string.Join(',', Enumerable.Range(0, BatchSize).Select(i => Event(random, i))) + "]}";
            var started = Stopwatch.GetTimestamp();
            using var response = await http.PostAsync("/v1/batch", new StringContent(body, Encoding.UTF8, "application/json"));
            local.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (response.IsSuccessStatusCode)
            {
                Interlocked.Add(ref accepted, BatchSize);
            }
            else if ((int)response.StatusCode == 429)
            {
                await Task.Delay(200);
            }
        }

        lock (latencies)
        {
            latencies.AddRange(local);
        }
    })));
    return (accepted, clock.Elapsed.TotalSeconds, latencies);
}

static async Task<double> CopyCeilingAsync(string cs, int rows)
{
    await using var connection = new NpgsqlConnection(cs);
    await connection.OpenAsync();
    var partitions = new EventPartitions(NpgsqlDataSource.Create(cs));
    await partitions.EnsureAsync([EventPartitions.MonthOf(DateTimeOffset.UtcNow)], CancellationToken.None);
    var random = new Random(1);
    var properties = """{"product_id":"sku-1","price":19.99,"currency":"EUR"}""";
    var context = """{"ip":"203.0.113.7"}""";
    var people = Enumerable.Range(0, Visitors).Select(_ => Guid.NewGuid()).ToArray();
    var source = Guid.NewGuid();
    var clock = Stopwatch.StartNew();
    await using (var tx = await connection.BeginTransactionAsync())
    {
        await using (var writer = await connection.BeginBinaryImportAsync(
            """COPY cdp_events (id, source_id, person_id, message_id, type, event, "timestamp", received_at, sent_at, original_timestamp, user_id, anonymous_id, properties, context) FROM STDIN (FORMAT BINARY)"""))
        {
            for (var i = 0; i < rows; i++)
            {
                var now = DateTimeOffset.UtcNow;
                await writer.StartRowAsync();
                await writer.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
                await writer.WriteAsync(source, NpgsqlDbType.Uuid);
                await writer.WriteAsync(people[random.Next(people.Length)], NpgsqlDbType.Uuid);
                await writer.WriteAsync(Guid.NewGuid().ToString(), NpgsqlDbType.Text);
                await writer.WriteAsync("track", NpgsqlDbType.Text);
                await writer.WriteAsync("Product Viewed", NpgsqlDbType.Text);
                await writer.WriteAsync(now, NpgsqlDbType.TimestampTz);
                await writer.WriteAsync(now, NpgsqlDbType.TimestampTz);
                await writer.WriteNullAsync();
                await writer.WriteAsync(now, NpgsqlDbType.TimestampTz);
                await writer.WriteNullAsync();
                await writer.WriteAsync($"anon-{i % Visitors}", NpgsqlDbType.Text);
                await writer.WriteAsync(properties, NpgsqlDbType.Jsonb);
                await writer.WriteAsync(context, NpgsqlDbType.Jsonb);
            }

            await writer.CompleteAsync();
        }

        await tx.CommitAsync();
    }

    var rate = rows / clock.Elapsed.TotalSeconds;
    await using var clear = new NpgsqlCommand($"DELETE FROM cdp_events WHERE source_id = '{source}'", connection);
    await clear.ExecuteNonQueryAsync();
    return rate;
}
