using System.Collections.Concurrent;
using Monfri.TestSupport;
using Npgsql;
using Xunit.Abstractions;

namespace Monfri.Compat.Tests;

/// <summary>
/// Monfri killed with SIGKILL while an official SDK streams events at it, then restarted on the same database and
/// data folder: whatever Monfri acknowledged survives, and what the client sends again — requests cut off by the
/// kill, and requests Monfri stored but whose answer never reached the client — is not stored a second time.
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
        var ackedRetries = new ConcurrentQueue<string>();
        var log = new ConcurrentQueue<string>();
        await using var first = await MonfriProcess.StartAsync(settings, port: port);
        await using var proxy = new AnswerLosingProxy(port);
        using var client = await NodeClients.StartScriptAsync("segment-stream.cjs", [proxy.BaseUrl, CompatMonfri.BackendKey], line =>
        {
            if (line.StartsWith("ack ", StringComparison.Ordinal))
            {
                acked.Enqueue(line[4..]);
            }
            else if (line.StartsWith("ack-retry ", StringComparison.Ordinal))
            {
                ackedRetries.Enqueue(line[10..]);
                acked.Enqueue(line[10..]);
            }
            else
            {
                log.Enqueue(line);
            }
        });

        DateTimeOffset killedAt;
        int ackedBeforeKill, ackedAtRestart;
        MonfriProcess? second = null;
        try
        {
            await UntilAsync(() => Task.FromResult(acked.Count >= 300), "the stream to get going", log);
            // For the last 300 ms before the kill Monfri's answers are lost on the way: it stored those requests, but
            // as far as the client knows the server died before answering them, so it sends them again.
            proxy.LoseAnswers(true);
            await Task.Delay(300);
            killedAt = DateTimeOffset.UtcNow;
            first.Kill();
            proxy.LoseAnswers(false);
            ackedBeforeKill = acked.Count;
            second = await MonfriProcess.StartAsync(settings, port: port);
            ackedAtRestart = acked.Count;
            await UntilAsync(() => Task.FromResult(acked.Count >= ackedAtRestart + 300), "acknowledgements after the restart", log);
            await client.StandardInput.WriteLineAsync("stop");
            await client.StandardInput.FlushAsync();
            using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(100)))
            {
                await client.WaitForExitAsync(timeout.Token);
            }

            Assert.True(client.ExitCode == 0, $"the client exited with {client.ExitCode}:\n{string.Join('\n', log)}");
            await UntilAsync(() => CompatMonfri.IntakeIsEmptyAsync(database), "the workers to drain the intake", log);
        }
        finally
        {
            if (!client.HasExited)
            {
                client.Kill(entireProcessTree: true);
            }

            if (second is not null)
            {
                await second.DisposeAsync();
            }
        }

        var ids = acked.ToArray();
        Assert.True(ackedBeforeKill > 0 && acked.Count > ackedAtRestart, $"acknowledged before the kill {ackedBeforeKill}, after the restart {acked.Count - ackedAtRestart}");
        Assert.Equal(ids.Length, ids.Distinct().Count());
        var stored = await StoredCountsAsync(database, ids);
        var missing = ids.Where(id => !stored.ContainsKey(id)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} of {ids.Length} acknowledged events are not stored, e.g. {string.Join(", ", missing.Take(5))}\n{string.Join('\n', log)}\n{second.Output}");
        Assert.All(stored, s => Assert.Equal(1, s.Value));
        Assert.Empty(await CompatMonfri.DuplicatesAsync(database));
        // Acknowledged only on a retry, yet stored as received before the kill: the first copy was stored, the
        // client never heard so and sent it again, and the second copy was dropped.
        var cutOff = await ReceivedBeforeAsync(database, [.. ackedRetries], killedAt);
        Assert.True(cutOff > 0, "no request whose answer was lost was retried and deduplicated");
        output.WriteLine($"acknowledged: {ackedBeforeKill} before the kill, {ackedAtRestart - ackedBeforeKill} until the restarted Monfri was ready, "
            + $"{acked.Count - ackedAtRestart} after; {cutOff} stored from requests whose answer was lost and that came again; client: {log.LastOrDefault()}");
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

    private static async Task<long> ReceivedBeforeAsync(string database, string[] messageIds, DateTimeOffset instant)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM cdp_events WHERE message_id = ANY($1) AND received_at < $2", connection);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = messageIds });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = instant });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, string what, ConcurrentQueue<string> log)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!await condition())
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
