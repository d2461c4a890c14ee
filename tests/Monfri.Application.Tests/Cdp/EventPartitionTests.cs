using Monfri.Domain.Cdp;
using Monfri.Infrastructure.Ingestion;
using Npgsql;

namespace Monfri.Application.Tests.Cdp;

/// <summary>
/// A claim whose events fall in a month without a partition creates it on another connection, which waits for
/// every transaction that has touched cdp_events (the demo's 90-day history did this on every start).
/// </summary>
public sealed class EventPartitionTests : IAsyncLifetime
{
    private CdpWorld _world = null!;

    public async Task InitializeAsync() => _world = await CdpWorld.StartAsync(nameof(EventPartitionTests));

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task A_claim_that_needs_a_new_month_holds_no_profile_lock_while_it_waits_for_the_partition()
    {
        var userId = $"user-{Guid.NewGuid():N}";
        await _world.SendAsync(CdpWorld.Track(null, userId, "Signed Up"));
        await _world.ProcessAsync();
        var person = await _world.ProfileAsync(IdentityTypes.UserId, userId);

        // Another transaction reads the events (as a merge that moves them, or a report, does) and stays open.
        await using var other = new NpgsqlConnection(_world.App.ConnectionString);
        await other.OpenAsync();
        await using var tx = await other.BeginTransactionAsync();
        await ExecuteAsync(other, "SELECT count(*) FROM cdp_events");

        // A late event of the same person, five months back: a month no partition exists for yet.
        var late = DateTimeOffset.UtcNow.AddMonths(-5);
        await _world.SendAsync(new { type = "track", userId, @event = "Invoice Paid", messageId = Guid.NewGuid().ToString(), timestamp = late.ToString("O") });
        var processing = _world.App.Get<IngestProcessor>().ProcessOnceAsync(CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        // Meanwhile that transaction needs the person's row. Had the claim locked it before waiting for the
        // partition, each would wait for the other, unseen by PostgreSQL's deadlock detector.
        await ExecuteAsync(other, "SET LOCAL lock_timeout = '3s'");
        await ExecuteAsync(other, $"SELECT id FROM people WHERE id = '{person.Id}' FOR UPDATE");
        await tx.CommitAsync();

        Assert.Equal(1, (await processing.WaitAsync(TimeSpan.FromSeconds(30))).Claimed);
        await _world.ProcessAsync();
        Assert.Contains(await _world.EventsAsync(IdentityTypes.UserId, userId), e => e.Event == "Invoice Paid" && Math.Abs((e.Timestamp - late).TotalSeconds) < 1);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
