using Monfri.Application.Cdp.Traits;
using Monfri.Domain.Cdp;
using Monfri.Infrastructure.Traits;
using Monfri.TestSupport;
using Monfri.Application.Cdp.Traits.GetPersonTraits;
using Monfri.Application.Cdp.Traits.CreateComputedTrait;
using Npgsql;

namespace Monfri.Application.Tests.Cdp;

/// <summary>
/// A claim matches its events to the traits before it takes the per-person locks and adds the resulting buckets
/// under them (<see cref="ComputedTraitStore.MatchAsync"/>, <see cref="ComputedTraitStore.ApplyAsync"/>): workers
/// whose claims share people must still count every event once, and the buckets' numbers and JSON values must
/// come back from the match exactly as PostgreSQL computed them.
/// </summary>
public sealed class ComputedTraitConcurrencyTests : IAsyncLifetime
{
    private CdpWorld _world = null!;

    // Claims of one request, so that parallel workers each take a part of what was sent and share its people.
    public async Task InitializeAsync() => _world = await CdpWorld.StartAsync(
        nameof(ComputedTraitConcurrencyTests),
        new Dictionary<string, string?> { ["Monfri:Traits:RunWorkers"] = "false", ["Monfri:Ingest:ClaimRequests"] = "1" });

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Workers_whose_claims_share_people_on_different_days_count_every_order_once()
    {
        var orders = await DefineAsync(TraitKind.EventCount, null);
        var revenue = await DefineAsync(TraitKind.Sum, "revenue");
        var latest = await DefineAsync(TraitKind.LastValue, "product.category");
        var visitors = Enumerable.Range(0, 6).Select(_ => $"anon-{Guid.NewGuid():N}").ToList();
        var now = DateTimeOffset.UtcNow;

        // Every request holds one order per visitor on a day of its own: two claims never add to the same bucket,
        // only to the same people — what the per-person lock is for (each recomputes the value from the buckets).
        var requests = 0;
        for (var round = 0; round < 4; round++)
        {
            for (var i = 0; i < 6; i++, requests++)
            {
                var day = requests + 1;
                await _world.SendAsync([.. visitors.Select(v => Order(v, now.AddDays(-day), day, new { category = $"day-{day}" }))]);
            }

            await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(_world.ProcessAsync)));
        }

        var expectedRevenue = Enumerable.Range(1, requests).Sum();
        foreach (var visitor in visitors)
        {
            var traits = await TraitsAsync(visitor);
            Assert.Equal((requests.ToString(), expectedRevenue.ToString(), "day-1"), (traits[orders], traits[revenue], traits[latest]));
        }
    }

    [Fact]
    public async Task Numbers_beyond_a_decimal_and_json_values_come_back_from_the_match_exactly()
    {
        var revenue = await DefineAsync(TraitKind.Sum, "revenue");
        var largest = await DefineAsync(TraitKind.Max, "revenue");
        var first = await DefineAsync(TraitKind.FirstValue, "product");
        var visitor = $"anon-{Guid.NewGuid():N}";
        var now = DateTimeOffset.UtcNow;

        // 30 digits before the point and 20 after: more than a .NET decimal holds, summed exactly by PostgreSQL.
        await _world.SendAsync(
            Order(visitor, now.AddMinutes(-3), "123456789012345678901234567890.12345678901234567890", new { name = "Thé «vert»", tags = new[] { "a", "b" } }),
            Order(visitor, now.AddMinutes(-2), "0.00000000000000000001", new { name = "later" }));
        await _world.ProcessAsync();

        Assert.Equal("123456789012345678901234567890.12345678901234567891", await StoredValueAsync(revenue));
        Assert.Equal("123456789012345678901234567890.12345678901234567890", await StoredValueAsync(largest));
        Assert.Equal("""{"name": "Thé «vert»", "tags": ["a", "b"]}""", await StoredValueAsync(first));
    }

    [Fact]
    public async Task A_claim_waiting_for_a_persons_trait_lock_has_nothing_left_but_the_trait_upserts()
    {
        var orders = await DefineAsync(TraitKind.EventCount, null);
        var visitor = $"anon-{Guid.NewGuid():N}";
        var now = DateTimeOffset.UtcNow;
        await _world.SendAsync(Order(visitor, now.AddMinutes(-5), 1, new { category = "a" }));
        await _world.ProcessAsync();
        var person = (await _world.ProfileAsync(IdentityTypes.AnonymousId, visitor)).Id;

        // Another claim holds the person's trait lock (as a second worker does until it commits).
        await using var holder = new NpgsqlConnection(_world.App.ConnectionString);
        await holder.OpenAsync();
        await using var held = await holder.BeginTransactionAsync();
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_xact_lock(hashtextextended($1::text, {Monfri.Application.Common.Persistence.AdvisoryLocks.TraitPersonSeed}))", holder, held))
        {
            take.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = person });
            await take.ExecuteScalarAsync();
        }

        await _world.SendAsync(Page(visitor, now.AddMinutes(-2)), Order(visitor, now.AddMinutes(-1), 2, new { category = "b" }));
        var processing = Task.Run(_world.ProcessAsync);

        // The waiting claim has already written what needs no trait lock (the touches, the segment queue), so the
        // lock is held, by it in turn, only for the upserts, the recompute and the commit. pg_locks shows the whole
        // cluster, where other test classes' databases wait on locks of their own: only this database's locks count.
        var waiting = 0L;
        for (var i = 0; i < 600 && waiting == 0; i++)
        {
            waiting = await _world.ScalarAsync("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())");
            if (waiting == 0)
            {
                await Task.Delay(50);
            }
        }

        Assert.Equal(1, waiting);
        var written = await _world.ScalarAsync(
            """
            SELECT count(DISTINCT c.relname) FROM pg_locks w
            JOIN pg_locks l ON l.pid = w.pid AND l.locktype = 'relation' AND l.granted
            JOIN pg_class c ON c.oid = l.relation
            WHERE w.locktype = 'advisory' AND NOT w.granted
              AND w.database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND l.database = w.database
              AND c.relname IN ('cdp_profile_stats', 'segment_dirty_people') AND l.mode = 'RowExclusiveLock'
            """);
        Assert.Equal(2, written);
        Assert.False(processing.IsCompleted);

        await held.CommitAsync();
        await processing;
        Assert.Equal("2", (await TraitsAsync(visitor))[orders]);
    }

    private static object Page(string anon, DateTimeOffset at) => new
    {
        type = "page",
        anonymousId = anon,
        messageId = Guid.NewGuid().ToString(),
        properties = new { url = "https://shop.test/?utm_source=newsletter&utm_medium=email&utm_campaign=winter", path = "/" },
        timestamp = at.ToString("O"),
    };

    private static int _keys;

    private async Task<string> DefineAsync(TraitKind kind, string? property)
    {
        var key = $"{kind.ToString().ToLowerInvariant()}_c{Interlocked.Increment(ref _keys)}";
        var created = await _world.App.SendAs(_world.Admin, new CreateComputedTraitCommand(new ComputedTraitInput
        {
            Key = key, Name = key, Kind = kind, EventType = "track", EventName = "Order Completed", PropertyPath = property,
        }));
        Assert.True(created.IsSuccess, created.ErrorMessage);
        await _world.App.Get<TraitBackfill>().RunOnceAsync(CancellationToken.None);
        return key;
    }

    private async Task<Dictionary<string, string>> TraitsAsync(string anon)
    {
        var profile = await _world.ProfileAsync(IdentityTypes.AnonymousId, anon);
        var traits = await _world.App.SendAs(_world.Admin, new GetPersonTraitsQuery(profile.Id));
        Assert.True(traits.IsSuccess, traits.ErrorMessage);
        return traits.Value.Computed.ToDictionary(t => t.Key, t => t.Display);
    }

    /// <summary>The stored value of the trait (one person has it), as PostgreSQL writes it.</summary>
    private async Task<string?> StoredValueAsync(string key)
    {
        await using var connection = new NpgsqlConnection(_world.App.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT v.value::text FROM cdp_trait_values v JOIN cdp_computed_traits t ON t.id = v.trait_id WHERE t.key = $1", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        return (string?)await command.ExecuteScalarAsync();
    }

    private static object Order(string anon, DateTimeOffset at, object revenue, object product) => new
    {
        type = "track",
        anonymousId = anon,
        @event = "Order Completed",
        messageId = Guid.NewGuid().ToString(),
        properties = new { revenue, product },
        timestamp = at.ToString("O"),
    };
}
