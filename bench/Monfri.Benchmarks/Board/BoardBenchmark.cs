using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Playwright;
using Monfri.TestSupport;

namespace Monfri.Benchmarks.Board;

/// <summary>
/// The pipeline board: (1) how long after a move's commit the update reaches hub clients of /hubs/live, with
/// many boards connected; (2) the same, up to the card standing in its new column in a real browser's board;
/// (3) how long the server takes to produce a board of many open deals (API and prerendered page).
/// Latency is measured as receive time minus <c>LiveUpdate.PublishedAt</c>, which the server stamps right after
/// the commit — same machine, same clock.
/// </summary>
public static class BoardBenchmark
{
    private sealed record Options(int Moves, int Boards, int Deals, int BrowserMoves, int RenderRuns);

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new Options(
            Moves: Arg(args, "--moves", 200),
            Boards: Arg(args, "--boards", 20),
            Deals: Arg(args, "--deals", 500),
            BrowserMoves: Arg(args, "--browser-moves", 50),
            RenderRuns: Arg(args, "--render-runs", 30));
        Console.WriteLine($"Pipeline board benchmark: {options}");
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {RepoPaths.Configuration} build");

        var connectionString = await TestPostgres.CreateDatabaseAsync("bench_board");
        await using var app = await MonfriProcess.StartAsync(new Dictionary<string, string?> { ["ConnectionStrings__Monfri"] = connectionString });
        using var admin = app.AdminClient();

        var pipeline = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/pipelines"))[0];
        var pipelineId = pipeline.GetProperty("id").GetGuid();
        var stages = pipeline.GetProperty("stages").EnumerateArray()
            .Where(s => s.GetProperty("kind").GetString() == "Open")
            .Select(s => (Id: s.GetProperty("id").GetGuid(), Name: s.GetProperty("name").GetString()!))
            .ToList();

        var seed = Stopwatch.StartNew();
        var deals = await SeedAsync(admin, stages, options.Deals);
        Console.WriteLine($"Seeded {deals.Count} open deals (with companies and next tasks) in {seed.Elapsed.TotalSeconds:F1} s");

        await RenderTimesAsync(app, admin, pipelineId, options);

        await using var browser = new BrowserFixture();
        var page = await OpenBoardInBrowserAsync(browser, app, pipelineId, deals.Count);

        var hubs = new List<HubConnection>();
        var received = new ConcurrentDictionary<(Guid Deal, uint Version), ConcurrentBag<(DateTimeOffset Received, DateTimeOffset Published)>>();
        for (var i = 0; i < options.Boards; i++)
        {
            var hub = new HubConnectionBuilder()
                .WithUrl($"{app.BaseUrl}/hubs/live", o =>
                {
                    o.Transports = HttpTransportType.WebSockets;
                    o.AccessTokenProvider = () => Task.FromResult<string?>(MonfriProcess.AdminToken);
                })
                .Build();
            hub.On<JsonElement>("update", update =>
            {
                var now = DateTimeOffset.UtcNow;
                if (update.GetProperty("kind").GetString() != "deal.moved")
                {
                    return;
                }

                var data = update.GetProperty("data");
                var key = (data.GetProperty("id").GetGuid(), data.GetProperty("version").GetUInt32());
                received.GetOrAdd(key, _ => []).Add((now, update.GetProperty("publishedAt").GetDateTimeOffset()));
            });
            await hub.StartAsync();
            await hub.InvokeAsync("Subscribe", $"pipeline:{pipelineId}");
            hubs.Add(hub);
        }

        Console.WriteLine($"{hubs.Count} hub clients connected to /hubs/live and following pipeline:{pipelineId}");
        await MoveAndWaitAsync(admin, stages, deals, received, options.Boards, 20); // warm-up
        var hubSamples = new List<double>();
        var slowestPerMove = new List<double>();
        var moves = await MoveAndWaitAsync(admin, stages, deals, received, options.Boards, options.Moves);
        foreach (var key in moves)
        {
            var samples = received[key].Select(r => (r.Received - r.Published).TotalMilliseconds).ToList();
            hubSamples.AddRange(samples);
            slowestPerMove.Add(samples.Max());
        }

        Report($"Hub: commit → update received, {options.Moves} moves × {options.Boards} clients", hubSamples);
        Report($"Hub: commit → the last of {options.Boards} clients received, per move", slowestPerMove);

        var browserSamples = await MoveThroughBrowserAsync(admin, page, stages, deals, received, options.Boards, options.BrowserMoves);
        Report($"Browser: commit → card in its new column ({options.BrowserMoves} moves, {options.Boards} hub clients connected)", browserSamples);

        foreach (var hub in hubs)
        {
            await hub.DisposeAsync();
        }

        return 0;
    }

    private sealed class DealState(Guid id, int stage, uint version)
    {
        public Guid Id { get; } = id;
        public int Stage { get; set; } = stage;
        public uint Version { get; set; } = version;
    }

    private static async Task<List<DealState>> SeedAsync(HttpClient admin, List<(Guid Id, string Name)> stages, int count)
    {
        var companies = new List<Guid>();
        for (var i = 0; i < 50; i++)
        {
            var company = await admin.PostAsJsonAsync("/api/v1/companies", new { name = $"Bench company {i}", domain = $"bench{i}.example" });
            company.EnsureSuccessStatusCode();
            companies.Add((await company.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
        }

        var deals = new DealState[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, ct) =>
        {
            var stage = i % stages.Count;
            var created = await admin.PostAsJsonAsync("/api/v1/deals", new
            {
                name = $"Bench deal {i:D4}",
                amount = 1000 + i * 10,
                closeDate = DateOnly.FromDateTime(DateTime.Today.AddDays(30 + i % 90)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                stageId = stages[stage].Id,
                companyId = companies[i % companies.Count],
                tags = new[] { i % 3 == 0 ? "priority" : "standard" },
            }, ct);
            created.EnsureSuccessStatusCode();
            var deal = await created.Content.ReadFromJsonAsync<JsonElement>(ct);
            var id = deal.GetProperty("id").GetGuid();
            if (i % 4 == 0)
            {
                var task = await admin.PostAsJsonAsync("/api/v1/activities", new { type = "Task", subject = $"Follow up {i}", dealId = id, dueAt = DateTimeOffset.UtcNow.AddDays(i % 10) }, ct);
                task.EnsureSuccessStatusCode();
            }

            deals[i] = new DealState(id, stage, deal.GetProperty("version").GetUInt32());
        });

        // Tasks touch the deal's last-activity time, not its version; read the versions once more to be sure.
        foreach (var deal in deals)
        {
            deal.Version = (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/deals/{deal.Id}")).GetProperty("version").GetUInt32();
        }

        return [.. deals];
    }

    /// <summary>Moves random deals one after another to their next stage, each time waiting until every hub client has the update.</summary>
    private static async Task<List<(Guid, uint)>> MoveAndWaitAsync(
        HttpClient admin, List<(Guid Id, string Name)> stages, List<DealState> deals,
        ConcurrentDictionary<(Guid, uint), ConcurrentBag<(DateTimeOffset Received, DateTimeOffset Published)>> received, int boards, int moves)
    {
        var keys = new List<(Guid, uint)>();
        for (var i = 0; i < moves; i++)
        {
            var key = await MoveAsync(admin, stages, deals[Random.Shared.Next(deals.Count)]);
            await WaitForAsync(() => received.TryGetValue(key, out var bag) && bag.Count >= boards, TimeSpan.FromSeconds(10), $"{boards} hub clients to receive move {i}");
            keys.Add(key);
        }

        return keys;
    }

    private static async Task<(Guid, uint)> MoveAsync(HttpClient admin, List<(Guid Id, string Name)> stages, DealState deal)
    {
        var next = (deal.Stage + 1) % stages.Count;
        var response = await admin.PostAsJsonAsync($"/api/v1/deals/{deal.Id}/move", new { stageId = stages[next].Id, expectedStageId = stages[deal.Stage].Id, version = deal.Version });
        response.EnsureSuccessStatusCode();
        var moved = await response.Content.ReadFromJsonAsync<JsonElement>();
        deal.Stage = next;
        deal.Version = moved.GetProperty("version").GetUInt32();
        return (deal.Id, deal.Version);
    }

    private static async Task<IPage> OpenBoardInBrowserAsync(BrowserFixture browser, MonfriProcess app, Guid pipelineId, int cards)
    {
        var page = await browser.NewPageAsync(app.BaseUrl);
        await BrowserFixture.SignInAsync(page, MonfriProcess.AdminEmail, MonfriProcess.AdminPassword);
        await BrowserFixture.GotoAsync(page, $"/pipeline/{pipelineId}");
        await page.WaitForSelectorAsync("[data-testid=board-live]:has-text('Live')");
        var shown = await page.Locator("[data-testid=board-card]").CountAsync();
        Console.WriteLine($"Browser board open with {shown} cards (expected {cards})");
        return page;
    }

    /// <summary>
    /// Moves deals shown on the browser's board; an in-page MutationObserver notes (with the browser's clock,
    /// the same system clock) when the card stands in its new column.
    /// </summary>
    private static async Task<List<double>> MoveThroughBrowserAsync(
        HttpClient admin, IPage page, List<(Guid Id, string Name)> stages, List<DealState> deals,
        ConcurrentDictionary<(Guid, uint), ConcurrentBag<(DateTimeOffset Received, DateTimeOffset Published)>> received, int boards, int moves)
    {
        await page.EvaluateAsync("""
            () => {
              window.__board = { want: null, at: null };
              new MutationObserver(() => {
                const w = window.__board.want;
                if (!w || window.__board.at) return;
                if (document.querySelector(`[data-testid=board-column][data-stage-name="${w.stage}"] [data-deal-id="${w.id}"]`)) {
                  window.__board.at = performance.timeOrigin + performance.now();
                }
              }).observe(document.body, { childList: true, subtree: true });
            }
            """);
        var samples = new List<double>();
        for (var i = 0; i < moves + 5; i++)
        {
            var deal = deals[Random.Shared.Next(deals.Count)];
            var target = stages[(deal.Stage + 1) % stages.Count].Name;
            await page.EvaluateAsync("w => { window.__board.want = w; window.__board.at = null; }", new { id = deal.Id.ToString(), stage = target });
            var key = await MoveAsync(admin, stages, deal);
            await page.WaitForFunctionAsync("() => window.__board.at !== null", null, new PageWaitForFunctionOptions { Timeout = 10_000 });
            var shownAt = DateTimeOffset.FromUnixTimeMilliseconds(0).AddMilliseconds(await page.EvaluateAsync<double>("() => window.__board.at"));
            await WaitForAsync(() => received.TryGetValue(key, out var bag) && bag.Count >= boards, TimeSpan.FromSeconds(10), "hub clients");
            var published = received[key].First().Published;
            if (i >= 5)
            {
                samples.Add((shownAt - published).TotalMilliseconds);
            }
        }

        return samples;
    }

    private static async Task RenderTimesAsync(MonfriProcess app, HttpClient admin, Guid pipelineId, Options options)
    {
        var api = new List<double>();
        for (var i = 0; i < options.RenderRuns + 5; i++)
        {
            var watch = Stopwatch.StartNew();
            var board = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/pipelines/{pipelineId}/board");
            watch.Stop();
            if (i >= 5)
            {
                api.Add(watch.Elapsed.TotalMilliseconds);
            }

            if (i == 0)
            {
                Console.WriteLine($"Board API returns {board.GetProperty("cards").GetArrayLength()} cards");
            }
        }

        Report($"Board API GET /api/v1/pipelines/{{id}}/board ({options.Deals} open deals), request → last byte", api);

        // The page as the server renders it before the circuit starts: the whole board, every card, as HTML.
        await using var browser = new BrowserFixture();
        var page = await browser.NewPageAsync(app.BaseUrl);
        await BrowserFixture.SignInAsync(page, MonfriProcess.AdminEmail, MonfriProcess.AdminPassword);
        var cookies = new CookieContainer();
        foreach (var cookie in await page.Context.CookiesAsync())
        {
            cookies.Add(new Uri(app.BaseUrl), new System.Net.Cookie(cookie.Name, cookie.Value, "/"));
        }

        using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = new Uri(app.BaseUrl) };
        var html = new List<double>();
        for (var i = 0; i < options.RenderRuns + 5; i++)
        {
            var watch = Stopwatch.StartNew();
            var text = await http.GetStringAsync($"/pipeline/{pipelineId}");
            watch.Stop();
            if (i >= 5)
            {
                html.Add(watch.Elapsed.TotalMilliseconds);
            }

            if (i == 0)
            {
                var cards = text.Split("data-testid=\"board-card\"").Length - 1;
                Console.WriteLine($"Prerendered board page: {cards} cards, {text.Length / 1024} KiB of HTML");
            }
        }

        Report($"Board page GET /pipeline/{{id}} prerendered on the server ({options.Deals} open deals), request → last byte", html);
    }

    private static async Task WaitForAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"Timed out waiting for {what}.");
            }

            await Task.Delay(1);
        }
    }

    private static void Report(string title, List<double> samples)
    {
        samples.Sort();
        double At(double p) => samples[Math.Clamp((int)Math.Ceiling(p * samples.Count) - 1, 0, samples.Count - 1)];
        Console.WriteLine($"{title}: n={samples.Count} p50={At(.50):F1} ms p95={At(.95):F1} ms p99={At(.99):F1} ms max={samples[^1]:F1} ms");
    }

    private static int Arg(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], CultureInfo.InvariantCulture, out var value) ? value : fallback;
    }
}
