using Monfri.Application.Cdp.Traits;
using Monfri.Application.Common.Persistence;
using Monfri.Infrastructure.Ingestion;
using Npgsql;
using NpgsqlTypes;

namespace Monfri.Infrastructure.Traits;

/// <summary>
/// Keeps computed traits and the built-in profile stats current (SQL in <see cref="ComputedTraitSql"/>).
/// The ingest workers call <see cref="ApplyAsync"/> once per claim and <see cref="MergeAsync"/> per merge, inside
/// their transaction; <see cref="RebuildForPeopleAsync(IReadOnlyCollection{Guid}, CancellationToken)"/> and
/// <see cref="RecomputeAsync"/> are for features that change whose events are whose (undoing a merge).
/// </summary>
public sealed class ComputedTraitStore(NpgsqlDataSource dataSource, TimeProvider clock) : IComputedTraitMaintenance
{
    /// <summary>
    /// Adds one claim's stored events to the traits they match and to the built-in stats, and recomputes the
    /// values they touched — three round trips of set-based statements, whatever the claim's size. Profiles that
    /// won a merge in this claim get their values recomputed (and, for traits still backfilling, their buckets
    /// rebuilt from events: the backfill may have passed them before the loser's history arrived).
    /// </summary>
    public static async Task ApplyAsync(
        NpgsqlConnection connection, IReadOnlyList<IngestEvent> events, IReadOnlyCollection<Guid> mergeWinners, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (events.Count == 0 && mergeWinners.Count == 0)
        {
            return;
        }

        var persons = events.Select(e => e.PersonId).ToArray();
        var timestamps = events.Select(e => e.Timestamp).ToArray();
        var types = events.Select(e => e.Type).ToArray();
        var today = new NpgsqlParameter<DateOnly>("today", DateOnly.FromDateTime(now.UtcDateTime));

        // 1. The backfill barrier, then the people whose values this claim recomputes (sorted: no deadlocks between
        // workers). No lock taken means no trait existed: the bucket statement is skipped. A trait created since is
        // safe — its backfill waits for this claim (we hold the barrier) and then rebuilds everyone from events.
        // Two statements in one round trip: the second's snapshot is taken after the barrier was passed.
        long locked;
        await using (var locks = new NpgsqlBatch(connection))
        {
            locks.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT pg_advisory_xact_lock_shared({AdvisoryLocks.TraitBackfillBarrier})"));
            var lockPersons = new NpgsqlBatchCommand(ComputedTraitSql.LockClaimPersons);
            lockPersons.Parameters.Add(Persons(persons.Concat(mergeWinners)));
            locks.BatchCommands.Add(lockPersons);
            await using var reader = await locks.ExecuteReaderAsync(cancellationToken);
            await reader.NextResultAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            locked = reader.GetInt64(0);
        }

        // 2. Buckets, in a statement of its own: it sees every definition committed before the barrier was passed.
        var pairs = new HashSet<(Guid Trait, Guid Person)>();
        if (events.Count > 0 && locked > 0)
        {
            await using var add = new NpgsqlCommand(ComputedTraitSql.AddClaimBuckets, connection);
            add.Parameters.Add(new NpgsqlParameter<Guid[]>("p", persons));
            add.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]>("ts", timestamps));
            add.Parameters.Add(new NpgsqlParameter<string[]>("ty", types));
            add.Parameters.Add(new NpgsqlParameter<string?[]>("ev", events.Select(e => e.Name).ToArray()));
            add.Parameters.Add(new NpgsqlParameter<string?[]>("pr", events.Select(e => e.PropertiesJson).ToArray()));
            add.Parameters.Add(today.Clone());
            await using var reader = await add.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                pairs.Add((reader.GetGuid(0), reader.GetGuid(1)));
            }
        }

        // 3. Values of the touched pairs and of merge winners, and the built-in stats.
        await using var batch = new NpgsqlBatch(connection);
        if (mergeWinners.Count > 0 && locked > 0)
        {
            Add(batch, ComputedTraitSql.RebuildBackfillingBuckets,
                () => [Persons(mergeWinners), today.Clone(), new NpgsqlParameter<DateTimeOffset>("since", ComputedTraitRebuild.AllTime)]);
            var recompute = new NpgsqlBatchCommand(ComputedTraitSql.RecomputePersons);
            recompute.Parameters.Add(Persons(mergeWinners));
            recompute.Parameters.Add(today.Clone());
            recompute.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
            batch.BatchCommands.Add(recompute);
        }

        if (pairs.Count > 0)
        {
            var ordered = pairs.OrderBy(p => p.Trait).ThenBy(p => p.Person).ToList();
            var recompute = new NpgsqlBatchCommand(ComputedTraitSql.RecomputePairs);
            recompute.Parameters.Add(new NpgsqlParameter<Guid[]>("traits", ordered.Select(p => p.Trait).ToArray()));
            recompute.Parameters.Add(new NpgsqlParameter<Guid[]>("persons", ordered.Select(p => p.Person).ToArray()));
            recompute.Parameters.Add(today.Clone());
            recompute.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
            batch.BatchCommands.Add(recompute);
        }

        // Touches were decided per event as it was read (Touch.Of); here they become each person's first and last.
        if (PersonTouches.Of(events.Select(e => (e.PersonId, e.Timestamp, e.Touch))) is { Count: > 0 } rows)
        {
            var stats = new NpgsqlBatchCommand(ComputedTraitSql.AddClaimStats);
            foreach (var (name, value) in TouchRebuild.Parameters(rows, now))
            {
                stats.Parameters.Add(new NpgsqlParameter(name, value));
            }

            batch.BatchCommands.Add(stats);
        }

        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Moves a merged-away profile's trait buckets and built-in stats onto the winner, inside the merge's
    /// transaction (which holds both people rows for update) and before the loser's row is deleted. Both people
    /// are locked as ingest locks them: a backfill chunk cannot rebuild the loser from events that are about to
    /// move, and cannot finish the trait before <see cref="ApplyAsync"/> has rebuilt the winner for it.
    /// <see cref="ApplyAsync"/> recomputes the winner's values.
    /// </summary>
    public static async Task MergeAsync(NpgsqlConnection connection, Guid winnerId, Guid loserId, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection);
        Add(batch, [ComputedTraitSql.LockPersons], () => [Persons([winnerId, loserId])]);
        Add(batch, ComputedTraitSql.MoveToWinner, () => [new NpgsqlParameter<Guid>("winner", winnerId), new NpgsqlParameter<Guid>("loser", loserId)]);
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task RebuildForPeopleAsync(IReadOnlyCollection<Guid> personIds, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        await RebuildForPeopleAsync(connection, personIds, clock.GetUtcNow(), cancellationToken);
        await tx.CommitAsync(cancellationToken);
    }

    /// <summary>The same inside the caller's transaction.</summary>
    public static async Task RebuildForPeopleAsync(NpgsqlConnection connection, IReadOnlyCollection<Guid> personIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (personIds.Count == 0)
        {
            return;
        }

        await using (var batch = new NpgsqlBatch(connection))
        {
            Add(batch, [.. ComputedTraitSql.LockPeople, .. ComputedTraitSql.RebuildAllBuckets, ComputedTraitSql.RecomputePersons], () =>
            [
                Persons(personIds),
                new NpgsqlParameter<DateOnly>("today", DateOnly.FromDateTime(now.UtcDateTime)),
                new NpgsqlParameter<DateTimeOffset>("now", now),
                new NpgsqlParameter<DateTimeOffset>("since", ComputedTraitRebuild.AllTime),
            ]);

            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        await TouchRebuild.RunAsync(connection, null, personIds, now, cancellationToken);
    }

    /// <inheritdoc />
    public async Task RecomputeAsync(IReadOnlyCollection<Guid> personIds, CancellationToken cancellationToken)
    {
        if (personIds.Count == 0)
        {
            return;
        }

        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        foreach (var sql in (string[])[.. ComputedTraitSql.LockPeople, ComputedTraitSql.RecomputePersons])
        {
            var command = new NpgsqlBatchCommand(sql);
            command.Parameters.Add(Persons(personIds));
            command.Parameters.Add(new NpgsqlParameter<DateOnly>("today", DateOnly.FromDateTime(now.UtcDateTime)));
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
    }

    /// <summary>Adds one batch command per statement (a batch command holds one statement), each with its own parameters.</summary>
    internal static void Add(NpgsqlBatch batch, IEnumerable<string> statements, Func<IEnumerable<NpgsqlParameter>> parameters)
    {
        foreach (var sql in statements)
        {
            var command = new NpgsqlBatchCommand(sql);
            foreach (var parameter in parameters())
            {
                command.Parameters.Add(parameter);
            }

            batch.BatchCommands.Add(command);
        }
    }

    internal static NpgsqlParameter Persons(IEnumerable<Guid> ids) =>
        new NpgsqlParameter<Guid[]>("persons", ids.Distinct().ToArray()) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid };
}
