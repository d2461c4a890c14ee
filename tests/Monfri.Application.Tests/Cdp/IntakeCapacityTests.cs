using System.Text.Json;
using Monfri.Application.Cdp.Collection;
using Monfri.Infrastructure.Ingestion;
using Npgsql;

namespace Monfri.Application.Tests.Cdp;

/// <summary>The intake's cap (<c>Monfri:Ingest:MaxQueuedEvents</c>) under concurrent appends, against the real table.</summary>
public sealed class IntakeCapacityTests : IAsyncLifetime
{
    private const int Cap = 2_000;
    private CdpWorld _world = null!;

    public async Task InitializeAsync() =>
        _world = await CdpWorld.StartAsync(nameof(IntakeCapacityTests), new Dictionary<string, string?> { ["Monfri:Ingest:MaxQueuedEvents"] = Cap.ToString(System.Globalization.CultureInfo.InvariantCulture) });

    public async Task DisposeAsync() => await _world.DisposeAsync();

    private static byte[] Batch(int count)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new { batch = Enumerable.Range(0, count).Select(i => new { type = "track", anonymousId = $"cap-{i}", @event = "Capped" }) });
        var (batch, failure) = EventBatchParser.Parse(body, null, DateTimeOffset.UtcNow);
        Assert.Null(failure);
        return batch!.AcceptedJson;
    }

    private async Task<(int Rows, int Events)> StoredAsync()
    {
        await using var connection = new NpgsqlConnection(_world.App.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*)::int, coalesce(sum(event_count), 0)::int FROM cdp_intake", connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt32(0), reader.GetInt32(1));
    }

    [Fact]
    public async Task Concurrent_appends_fill_the_queue_exactly_to_the_cap_and_never_past_it()
    {
        var intake = _world.App.Get<IngestIntake>();
        var json = Batch(70);
        using var start = new SemaphoreSlim(0);

        // 100 appends of 70 events race for room for 2,000: 28 fit (1,960), the 29th would not.
        var appends = Enumerable.Range(0, 100).Select(_ => Task.Run(async () =>
        {
            await start.WaitAsync();
            return await intake.AppendAsync(_world.Source.Id, DateTimeOffset.UtcNow, json, 70, CancellationToken.None);
        })).ToList();
        start.Release(100);
        var accepted = (await Task.WhenAll(appends)).Count(ok => ok);

        Assert.Equal(Cap / 70, accepted);
        Assert.Equal((accepted, accepted * 70), await StoredAsync()); // a refused append stored nothing: never past the cap

        // A commit that raced the background sample may be counted twice until the next sample (it errs on refusing,
        // decision 010), so the count alone may briefly read above the cap: it settles on what is stored within a
        // sample or two.
        for (var i = 0; i < 50 && intake.QueuedEvents != accepted * 70; i++)
        {
            await Task.Delay(100);
        }

        Assert.Equal(accepted * 70, intake.QueuedEvents);

        // Room left for 40 more events: a batch of 40 fits, then a single event does not.
        Assert.True(await intake.AppendAsync(_world.Source.Id, DateTimeOffset.UtcNow, Batch(40), 40, CancellationToken.None));
        Assert.False(await intake.AppendAsync(_world.Source.Id, DateTimeOffset.UtcNow, Batch(1), 1, CancellationToken.None));
        Assert.True(intake.IsOverloaded);
        Assert.Equal(Cap, (await StoredAsync()).Events);
    }

    [Fact]
    public async Task Processing_the_queue_frees_its_room_at_the_next_sample()
    {
        var intake = _world.App.Get<IngestIntake>();
        var json = Batch(Cap);
        Assert.True(await intake.AppendAsync(_world.Source.Id, DateTimeOffset.UtcNow, json, Cap, CancellationToken.None));
        Assert.False(await intake.AppendAsync(_world.Source.Id, DateTimeOffset.UtcNow, Batch(1), 1, CancellationToken.None));

        await _world.ProcessAsync();

        // The depth is sampled in the background (every 250 ms): room comes back without a query per request.
        var accepted = false;
        for (var i = 0; i < 50 && !accepted; i++)
        {
            await Task.Delay(100);
            accepted = await intake.AppendAsync(_world.Source.Id, DateTimeOffset.UtcNow, Batch(1), 1, CancellationToken.None);
        }

        Assert.True(accepted);
    }
}
