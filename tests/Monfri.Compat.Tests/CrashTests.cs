using System.Collections.Concurrent;
using Monfri.TestSupport;
using Npgsql;
using Xunit.Abstractions;

namespace Monfri.Compat.Tests;

/// <summary>
/// Monfri killed with SIGKILL while an official SDK streams events at it, then restarted on the same database:
/// whatever Monfri acknowledged survives, and the client's retries of requests cut off mid-flight are not
/// stored a second time.
/// </summary>
public sealed class CrashTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"monfri-crash-{Guid.NewGuid():N}");

    [Fact]
    public async Task Every_event_acknowledged_to_analytics_node_around_a_SIGKILL_is_stored_exactly_once()
    {
        var database = await TestPostgres.CreateDatabaseAsync("crash");
        var settings = CompatMonfri.Settings(database, siteOrigin: null);
        settings["Monfri__DataDirectory"] = _folder;
        var port = MonfriProcess.FreePort();
        var acked = new ConcurrentQueue<string>();
        var log = new ConcurrentQueue<string>();
        var first = await MonfriProcess.StartAsync(settings, port: port);
        using var client = await NodeClients.StartScriptAsync("segment-stream.cjs", [first.BaseUrl, CompatMonfri.BackendKey], line =>
        {
            if (line.StartsWith("ack ", StringComparison.Ordinal))
            {
                acked.Enqueue(line[4..]);
            }
            else
            {
                log.Enqueue(line);
            }
        });

        await UntilAsync(() => acked.Count >= 300, "the stream to get going", log);
        first.Kill();
        var ackedBeforeKill = acked.Count;
        await using var second = await MonfriProcess.StartAsync(settings, port: port);
        var ackedAtRestart = acked.Count;
        await UntilAsync(() => acked.Count >= ackedAtRestart + 300, "acknowledgements after the restart", log);
        await client.StandardInput.WriteLineAsync("stop");
        await client.StandardInput.FlushAsync();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(100)))
        {
            await client.WaitForExitAsync(timeout.Token);
        }

        Assert.True(client.ExitCode == 0, $"the client exited with {client.ExitCode}:\n{string.Join('\n', log)}");
        await UntilAsync(() => CompatMonfri.IntakeIsEmptyAsync(database).GetAwaiter().GetResult(), "the workers to drain the intake", log);

        var ids = acked.ToArray();
        Assert.True(ackedBeforeKill > 0 && acked.Count > ackedAtRestart, $"acknowledged before the kill {ackedBeforeKill}, after the restart {acked.Count - ackedAtRestart}");
        Assert.Equal(ids.Length, ids.Distinct().Count());
        var stored = await StoredCountsAsync(database, ids);
        var missing = ids.Where(id => !stored.ContainsKey(id)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} of {ids.Length} acknowledged events are not stored, e.g. {string.Join(", ", missing.Take(5))}\n{string.Join('\n', log)}\n{second.Output}");
        Assert.All(stored, s => Assert.Equal(1, s.Value));
        Assert.Empty(await CompatMonfri.DuplicatesAsync(database));
        output.WriteLine($"acknowledged: {ackedBeforeKill} before the kill, {ackedAtRestart - ackedBeforeKill} until the restarted Monfri was ready, {acked.Count - ackedAtRestart} after; client: {log.LastOrDefault()}");
    }

    private static async Task<Dictionary<string, long>> StoredCountsAsync(string database, string[] messageIds)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT message_id, count(*) FROM cdp_events WHERE message_id = ANY($1) GROUP BY message_id", connection);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = messageIds });
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }

        return counts;
    }

    private static async Task UntilAsync(Func<bool> condition, string what, ConcurrentQueue<string> log)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited in vain for {what}:\n{string.Join('\n', log)}");
            }

            await Task.Delay(100);
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
