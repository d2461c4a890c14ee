using Microsoft.Playwright;
using Monfri.TestSupport;
using Npgsql;

namespace Monfri.E2E.Tests.Browser;

/// <summary>A fresh demo start (a small history, live traffic at 4 events/s) and a browser.</summary>
public sealed class DemoAppFixture : IAsyncLifetime
{
    public const double Rate = 4;

    public MonfriProcess App { get; private set; } = null!;
    public string ConnectionString { get; private set; } = "";
    public BrowserFixture Browser { get; } = new();

    public static Dictionary<string, string?> DemoSettings(string connectionString, double rate) => new()
    {
        ["ConnectionStrings__Monfri"] = connectionString,
        ["Monfri__Demo__Enabled"] = "true",
        ["Monfri__Demo__History__Visitors"] = "200",
        ["Monfri__Demo__LiveTraffic__EventsPerSecond"] = rate.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public async Task InitializeAsync()
    {
        ConnectionString = await TestPostgres.CreateDatabaseAsync("demolive");
        App = await StartAsync(DemoSettings(ConnectionString, Rate));
    }

    /// <summary>A demo start seeds the CRM (3,000 contacts) before it is ready: more than the default wait on a busy machine.</summary>
    public static async Task<MonfriProcess> StartAsync(IDictionary<string, string?> settings)
    {
        var app = await MonfriProcess.StartAsync(settings, waitUntilReady: false);
        try
        {
            await app.WaitUntilReadyAsync(TimeSpan.FromMinutes(5));
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        if (App is not null)
        {
            await App.DisposeAsync();
        }
    }
}

public sealed class DemoLiveTrafficTests(DemoAppFixture fixture) : IClassFixture<DemoAppFixture>
{
    [Fact]
    public async Task On_a_fresh_demo_start_the_visitors_page_shows_a_new_event_within_ten_seconds_without_anyone_sending_one()
    {
        var page = await fixture.Browser.NewPageAsync(fixture.App.BaseUrl);
        await BrowserFixture.SignInAsync(page, MonfriProcess.AdminEmail, MonfriProcess.AdminPassword);
        await page.Locator("[data-testid=demo-workspace]").WaitForAsync();
        await BrowserFixture.GotoAsync(page, "/visitors");
        var firstRow = page.Locator("[data-testid=visitor-events] tbody tr").First;
        await firstRow.WaitForAsync();
        var before = await firstRow.TextContentAsync();

        // A new row on top: an event that arrived after the page loaded, from the generator alone.
        await page.WaitForFunctionAsync(
            "before => { const row = document.querySelector('[data-testid=visitor-events] tbody tr'); return row && row.textContent !== before; }",
            before, new PageWaitForFunctionOptions { Timeout = 10_000 });
        await page.WaitForSelectorAsync("[data-testid=active-now]:not(:text('Active now: 0'))", new() { Timeout = 10_000 });
    }

    [Fact]
    public async Task The_generator_posts_sdk_shaped_batches_with_the_demo_keys_at_its_configured_rate()
    {
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        // Past the first seconds (the history's requests may still be ahead of the live ones in the intake).
        await Task.Delay(TimeSpan.FromSeconds(5));
        var from = new DateTimeOffset(await ScalarAsync<DateTime>(connection, "SELECT now()"), TimeSpan.Zero);
        var window = TimeSpan.FromSeconds(20);
        await Task.Delay(window + TimeSpan.FromSeconds(5));
        // The workers claim in arrival order: the window's events are stored once the history ahead of them is.
        for (var i = 0; i < 600; i++)
        {
            await using var pending = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM cdp_intake WHERE failed_at IS NULL AND received_at < $1)", connection);
            pending.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = from + window + TimeSpan.FromSeconds(5) });
            if (!(bool)(await pending.ExecuteScalarAsync())!)
            {
                break;
            }

            await Task.Delay(500);
        }


        // Sent in the window (the history still being appended is received now too, but happened before the start),
        // through the collection API from the demo sources, in the SDKs' shapes.
        await using var command = new NpgsqlCommand(
            """
            SELECT count(*), count(*) FILTER (WHERE e.context->'library'->>'name' IN ('analytics.js', '@segment/analytics-node')),
                   count(DISTINCT s.name)
            FROM cdp_events e JOIN cdp_sources s ON s.id = e.source_id
            WHERE e."timestamp" >= $1 AND e."timestamp" < $2 AND s.name IN ('Demo website', 'Demo backend')
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = from });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = from + window });
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        var (events, sdkShaped) = (reader.GetInt64(0), reader.GetInt64(1));
        await reader.DisposeAsync();

        var expected = DemoAppFixture.Rate * window.TotalSeconds;
        // A few events of the suppressed person are dropped by design; the rest arrive at the configured rate.
        Assert.InRange(events, (long)(expected * 0.75), (long)(expected * 1.1));
        Assert.Equal(events, sdkShaped);
        Assert.Equal(0L, await ScalarAsync<long>(connection, "SELECT count(*) FROM cdp_intake WHERE failed_at IS NOT NULL"));
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}

/// <summary>Turning the demo off on a later start stops the generator; a real workspace never gets its traffic.</summary>
public sealed class DemoLiveTrafficStopTests
{
    [Fact]
    public async Task Disabling_the_demo_on_a_later_start_stops_the_live_traffic()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync("demostop");
        var settings = DemoAppFixture.DemoSettings(connectionString, rate: 10);
        settings["Monfri__Demo__History__Visitors"] = "0";
        await using (var demo = await DemoAppFixture.StartAsync(settings))
        {
            Assert.Contains("open Visitors to watch live traffic", demo.Output, StringComparison.Ordinal);
            await WaitForEventsAsync(connectionString, since: DateTimeOffset.MinValue);
        }

        settings["Monfri__Demo__Enabled"] = "false";
        await using var real = await DemoAppFixture.StartAsync(settings);
        var since = DateTimeOffset.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(6));

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT (SELECT count(*) FROM cdp_events WHERE received_at >= $1) + (SELECT count(*) FROM cdp_intake)", connection);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = since });
        Assert.Equal(0L, (long)(await command.ExecuteScalarAsync())!);
        Assert.DoesNotContain("open Visitors to watch live traffic", real.Output, StringComparison.Ordinal);
    }

    private static async Task WaitForEventsAsync(string connectionString, DateTimeOffset since)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        for (var i = 0; i < 100; i++)
        {
            await using var command = new NpgsqlCommand("SELECT count(*) FROM cdp_events WHERE received_at >= $1", connection);
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = since });
            if ((long)(await command.ExecuteScalarAsync())! > 10)
            {
                return;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("The demo's live traffic never arrived.");
    }
}
