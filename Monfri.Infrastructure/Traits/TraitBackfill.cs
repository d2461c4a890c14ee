using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Monfri.Application.Cdp.Traits;
using Monfri.Application.Common.Live;
using Monfri.Application.Common.Persistence;
using Npgsql;

namespace Monfri.Infrastructure.Traits;

/// <summary>
/// Computes a new or redefined trait over the stored events. Live ingest counts a trait from the moment it
/// exists; the backfill then walks people in id order, a chunk per transaction, and for each chunk locks those
/// people (as ingest does) and rebuilds their buckets from their stored events. A rebuild replaces whatever
/// live ingest added before it, and live ingest adds on top of it afterwards, so no event counts twice or not
/// at all. Before starting, it waits once for every claim that began before the trait existed
/// (<see cref="AdvisoryLocks.TraitBackfillBarrier"/>), so their events are visible to it. Progress is saved
/// per chunk (a restart resumes) and published on the <c>traits</c> topic.
/// </summary>
public sealed class TraitBackfill(
    NpgsqlDataSource dataSource, ILiveFeed live, TimeProvider clock, IOptions<TraitOptions> options, ILogger<TraitBackfill> logger)
    : BackgroundService, ITraitBackfillSignal
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(5);
    private readonly SemaphoreSlim _signal = new(0);

    public void Wake()
    {
        if (_signal.CurrentCount == 0)
        {
            _signal.Release();
        }
    }

    /// <summary>Runs pending backfills to the end (or <paramref name="maxChunks"/> chunks); the number of chunks done.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken, int maxChunks = int.MaxValue)
    {
        var done = 0;
        while (done < maxChunks)
        {
            var chunks = await RunNextAsync(maxChunks - done, cancellationToken);
            if (chunks < 0)
            {
                break;
            }

            done += chunks;
        }

        return done;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.RunWorkers)
        {
            return;
        }

        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
                await _signal.WaitAsync(Poll, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "The trait backfill worker failed; it tries again shortly");
                await Task.Delay(Poll, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>Backfills the first trait no other node is working on; -1 when there was none.</summary>
    private async Task<int> RunNextAsync(int maxChunks, CancellationToken cancellationToken)
    {
        var candidates = new List<Guid>();
        await using (var list = dataSource.CreateCommand("SELECT id FROM cdp_computed_traits WHERE status = 'Backfilling' ORDER BY updated_at"))
        await using (var reader = await list.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                candidates.Add(reader.GetGuid(0));
            }
        }

        if (candidates.Count == 0)
        {
            return -1;
        }

        // The lock lives as long as this connection: a node that dies lets another take over.
        await using var owner = await dataSource.OpenConnectionAsync(cancellationToken);
        foreach (var id in candidates)
        {
            await using var take = new NpgsqlCommand($"SELECT pg_try_advisory_lock(hashtextextended($1::text, {AdvisoryLocks.TraitBackfillSeed}))", owner);
            take.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
            if (!(bool)(await take.ExecuteScalarAsync(cancellationToken))!)
            {
                continue;
            }

            try
            {
                return await BackfillAsync(id, maxChunks, cancellationToken);
            }
            finally
            {
                await using var release = new NpgsqlCommand($"SELECT pg_advisory_unlock(hashtextextended($1::text, {AdvisoryLocks.TraitBackfillSeed}))", owner);
                release.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
                await release.ExecuteScalarAsync(CancellationToken.None);
            }
        }

        return -1;
    }

    private async Task<int> BackfillAsync(Guid traitId, int maxChunks, CancellationToken cancellationToken)
    {
        var chunks = 0;
        int generation;
        try
        {
            await using (var barrier = await dataSource.OpenConnectionAsync(cancellationToken))
            await using (var tx = await barrier.BeginTransactionAsync(cancellationToken))
            {
                await using var wait = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({AdvisoryLocks.TraitBackfillBarrier})", barrier, tx);
                await wait.ExecuteNonQueryAsync(cancellationToken);
                await tx.CommitAsync(cancellationToken);
            }

            long total, done;
            Guid? cursor;
            await using (var start = dataSource.CreateCommand(
                """
                SELECT t.generation, t.backfill_cursor, (SELECT count(*) FROM people),
                       (SELECT count(*) FROM people p WHERE p.id <= t.backfill_cursor)
                FROM cdp_computed_traits t WHERE t.id = $1 AND t.status = 'Backfilling'
                """))
            {
                start.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = traitId });
                await using var reader = await start.ExecuteReaderAsync(cancellationToken);
                if (!await reader.ReadAsync(cancellationToken))
                {
                    return 0;
                }

                generation = reader.GetInt32(0);
                cursor = reader.IsDBNull(1) ? null : reader.GetGuid(1);
                total = reader.GetInt64(2);
                done = reader.GetInt64(3);
            }

            while (chunks < maxChunks)
            {
                var step = await ChunkWithRetryAsync(traitId, generation, cursor, done, total, cancellationToken);
                if (step is null)
                {
                    // Redefined or deleted meanwhile: the next run starts the new generation from the beginning.
                    return chunks;
                }

                chunks++;
                var (next, count) = step.Value;
                if (next is null)
                {
                    await PublishAsync(traitId, cancellationToken);
                    return chunks;
                }

                (cursor, done) = (next, done + count);
                await PublishAsync(traitId, cancellationToken);
            }

            return chunks;
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or NpgsqlException { IsTransient: true } or TimeoutException))
        {
            // A definition the database refuses to compute is a failure to show; an outage is retried by the loop.
            logger.LogError(ex, "Backfill of computed trait {Trait} failed", traitId);
            await using var fail = dataSource.CreateCommand(
                "UPDATE cdp_computed_traits SET status = 'Failed', status_reason = left($2, 1000), updated_at = $3 WHERE id = $1 AND status = 'Backfilling'");
            fail.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = traitId });
            fail.Parameters.Add(new NpgsqlParameter<string> { TypedValue = "The backfill stopped: " + ex.Message });
            fail.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = clock.GetUtcNow() });
            await fail.ExecuteNonQueryAsync(CancellationToken.None);
            await PublishAsync(traitId, CancellationToken.None);
            return chunks + 1;
        }
    }

    /// <summary>A chunk that collided with a concurrent merge or ingest (deadlock, serialization) is simply done again.</summary>
    private async Task<(Guid? Cursor, int Count)?> ChunkWithRetryAsync(Guid traitId, int generation, Guid? cursor, long done, long total, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await ChunkAsync(traitId, generation, cursor, done, total, cancellationToken);
            }
            catch (PostgresException ex) when (attempt < 5 && ex.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
            {
                logger.LogDebug(ex, "A backfill chunk of trait {Trait} collided with ingest; retrying", traitId);
                await Task.Delay(Random.Shared.Next(5, 50 * attempt), cancellationToken);
            }
        }
    }

    /// <summary>One chunk of people in one transaction; null when the trait changed under us, (null, n) when finished.</summary>
    private async Task<(Guid? Cursor, int Count)?> ChunkAsync(Guid traitId, int generation, Guid? cursor, long done, long total, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);

        // A share lock on the definition: an edit waits for this chunk, then bumps the generation we check here.
        int? windowDays;
        await using (var check = new NpgsqlCommand(
            "SELECT window_days FROM cdp_computed_traits WHERE id = $1 AND generation = $2 AND status = 'Backfilling' FOR SHARE", connection, tx))
        {
            check.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = traitId });
            check.Parameters.Add(new NpgsqlParameter<int> { TypedValue = generation });
            await using var reader = await check.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            windowDays = reader.IsDBNull(0) ? null : reader.GetInt32(0);
        }

        var ids = new List<Guid>();
        await using (var next = new NpgsqlCommand("SELECT id FROM people WHERE $1::uuid IS NULL OR id > $1 ORDER BY id LIMIT $2", connection, tx))
        {
            next.Parameters.Add(new NpgsqlParameter<Guid?> { TypedValue = cursor, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
            next.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Math.Max(1, options.Value.BackfillChunk) });
            await using var reader = await next.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetGuid(0));
            }
        }

        if (ids.Count == 0)
        {
            await using var ready = new NpgsqlCommand(
                "UPDATE cdp_computed_traits SET status = 'Ready', progress = 100, backfill_cursor = NULL, status_reason = NULL, updated_at = $3 WHERE id = $1 AND generation = $2",
                connection, tx);
            ready.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = traitId });
            ready.Parameters.Add(new NpgsqlParameter<int> { TypedValue = generation });
            ready.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
            await ready.ExecuteNonQueryAsync(cancellationToken);
            await tx.CommitAsync(cancellationToken);
            return (null, 0);
        }

        // Only the days still in the window are read (and the partitions before them skipped).
        var since = windowDays is { } days
            ? new DateTimeOffset(today.AddDays(1 - days).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)
            : ComputedTraitRebuild.AllTime;
        await using var batch = new NpgsqlBatch(connection);
        ComputedTraitStore.Add(batch, [.. ComputedTraitSql.LockPeople, .. ComputedTraitSql.RebuildTraitBuckets, ComputedTraitSql.RecomputeTraitPersons], () =>
        [
            ComputedTraitStore.Persons(ids),
            new NpgsqlParameter<Guid>("trait", traitId),
            new NpgsqlParameter<DateOnly>("today", today),
            new NpgsqlParameter<DateTimeOffset>("now", now),
            new NpgsqlParameter<DateTimeOffset>("since", since),
        ]);

        var progress = new NpgsqlBatchCommand(
            "UPDATE cdp_computed_traits SET backfill_cursor = $2, progress = $3, updated_at = $4 WHERE id = $1 AND generation = $5");
        progress.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = traitId });
        progress.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = ids[^1] });
        progress.Parameters.Add(new NpgsqlParameter<int> { TypedValue = total == 0 ? 99 : (int)Math.Clamp((done + ids.Count) * 100 / total, 0, 99) });
        progress.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        progress.Parameters.Add(new NpgsqlParameter<int> { TypedValue = generation });
        batch.BatchCommands.Add(progress);
        await batch.ExecuteNonQueryAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return (ids[^1], ids.Count);
    }

    private async Task PublishAsync(Guid traitId, CancellationToken cancellationToken)
    {
        try
        {
            await live.PublishAsync(LiveTopics.Traits, "trait.progress", new { id = traitId }, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The settings page reloads on reconnect; a lost tick only delays its progress bar.
            logger.LogWarning(ex, "Could not publish backfill progress");
        }
    }
}
