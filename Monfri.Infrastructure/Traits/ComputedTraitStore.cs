using Monfri.Application.Common.Persistence;
using Monfri.Application.Cdp.Traits;
using Monfri.Infrastructure.Ingestion;
using Npgsql;
using NpgsqlTypes;

namespace Monfri.Infrastructure.Traits;

/// <summary>
/// Keeps computed traits and the built-in profile stats current (SQL in <see cref="ComputedTraitSql"/>).
/// The ingest workers call <see cref="MatchAsync"/> and <see cref="ApplyAsync"/> once per claim and <see cref="MergeAsync"/> per merge, inside
/// their transaction; <see cref="RebuildForPeopleAsync(IReadOnlyCollection{Guid}, CancellationToken)"/> and
/// <see cref="RecomputeAsync"/> are for features that change whose events are whose (undoing a merge).
/// </summary>
public sealed class ComputedTraitStore(NpgsqlDataSource dataSource, TimeProvider clock) : IComputedTraitMaintenance
{
    /// <summary>
    /// First half of a claim's trait step, before the claim takes any lock another claim could wait for: passes the
    /// backfill barrier (held shared until the commit) and matches the claim's events to the traits, aggregated as
    /// the buckets to add — the expensive part (every event's properties parsed and matched to every trait), which
    /// needs no person's lock because it reads no person's state. <see cref="ApplyAsync"/> then locks only the
    /// people who have buckets to add (and merge winners) for the upserts, the recompute of their values and the
    /// commit. Events already matched are never matched again: the buckets are added as returned.
    /// </summary>
    public static async Task<ClaimBuckets> MatchAsync(NpgsqlConnection connection, IReadOnlyList<IngestEvent> events, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // The barrier, then the match in a statement of its own in the same round trip: its snapshot is taken after
        // the barrier was passed, so it sees every definition committed before — a trait created later is safe, its
        // backfill waits for this claim (we hold the barrier) and then rebuilds everyone from events.
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT pg_advisory_xact_lock_shared({AdvisoryLocks.TraitBackfillBarrier})"));
        var buckets = new ClaimBuckets();
        if (events.Count == 0)
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
            return buckets;
        }

        var match = new NpgsqlBatchCommand(ComputedTraitSql.ClaimBuckets);
        match.Parameters.Add(new NpgsqlParameter<Guid[]>("p", events.Select(e => e.PersonId).ToArray()));
        match.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]>("ts", events.Select(e => e.Timestamp).ToArray()));
        match.Parameters.Add(new NpgsqlParameter<string[]>("ty", events.Select(e => e.Type).ToArray()));
        match.Parameters.Add(new NpgsqlParameter<string?[]>("ev", events.Select(e => e.Name).ToArray()));
        match.Parameters.Add(new NpgsqlParameter<string?[]>("pr", events.Select(e => e.PropertiesJson).ToArray()));
        match.Parameters.Add(new NpgsqlParameter<DateOnly>("today", DateOnly.FromDateTime(now.UtcDateTime)));
        batch.BatchCommands.Add(match);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            buckets.Read(reader);
        }

        return buckets;
    }

    /// <summary>
    /// Second half: adds the claim's touches to the built-in stats and the buckets <see cref="MatchAsync"/> returned,
    /// and recomputes the values they touched — one round trip of set-based statements, whatever the claim's size,
    /// with <paramref name="alongside"/> (the caller's own statement of the same transaction, e.g. the segment queue)
    /// in it too. Profiles that won a merge in this claim get their values recomputed (and, for traits still
    /// backfilling, their buckets rebuilt from events: the backfill may have passed them before the loser's history
    /// arrived). The per-person locks (sorted: no deadlocks between workers) are taken for the people whose values
    /// change: two claims never recompute one person's value each from a snapshot without the other's buckets.
    /// <para>
    /// Everything that needs no such lock runs before it: a second worker sharing a person waits on the lock until
    /// this claim commits, so from the lock on there is only the upsert, the recompute and the commit.
    /// </para>
    /// </summary>
    public static async Task ApplyAsync(
        NpgsqlConnection connection, ClaimBuckets buckets, IReadOnlyList<IngestEvent> events, IReadOnlyCollection<Guid> mergeWinners, DateTimeOffset now,
        NpgsqlBatchCommand? alongside, CancellationToken cancellationToken)
    {
        var today = new NpgsqlParameter<DateOnly>("today", DateOnly.FromDateTime(now.UtcDateTime));
        await using var batch = new NpgsqlBatch(connection);

        // Touches were decided per event as it was read (Touch.Of); here they become each person's first and last.
        // They combine commutatively (earliest, latest), so they need no per-person lock.
        if (PersonTouches.Of(events.Select(e => (e.PersonId, e.Timestamp, e.Touch))) is { Count: > 0 } rows)
        {
            var stats = new NpgsqlBatchCommand(ComputedTraitSql.AddClaimStats);
            foreach (var (name, value) in TouchRebuild.Parameters(rows, now))
            {
                stats.Parameters.Add(new NpgsqlParameter(name, value));
            }

            batch.BatchCommands.Add(stats);
        }

        if (alongside is not null)
        {
            batch.BatchCommands.Add(alongside);
        }

        if (buckets.Count > 0 || mergeWinners.Count > 0)
        {
            // Nobody to lock when no trait exists (a merge winner then has nothing to recompute either).
            var lockPersons = new NpgsqlBatchCommand(ComputedTraitSql.LockClaimPersons);
            lockPersons.Parameters.Add(Persons(buckets.People.Concat(mergeWinners)));
            batch.BatchCommands.Add(lockPersons);
        }

        if (buckets.Count > 0)
        {
            var add = new NpgsqlBatchCommand(ComputedTraitSql.AddClaimBuckets);
            buckets.AddParameters(add.Parameters);
            batch.BatchCommands.Add(add);
        }

        // After the claim's buckets: rebuilding a winner from stored events replaces what was just added for the
        // traits still backfilling (this claim's events are stored already, so they count once).
        if (mergeWinners.Count > 0)
        {
            Add(batch, ComputedTraitSql.RebuildBackfillingBuckets,
                () => [Persons(mergeWinners), today.Clone(), new NpgsqlParameter<DateTimeOffset>("since", ComputedTraitRebuild.AllTime)]);
            var recompute = new NpgsqlBatchCommand(ComputedTraitSql.RecomputePersons);
            recompute.Parameters.Add(Persons(mergeWinners));
            recompute.Parameters.Add(today.Clone());
            recompute.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
            batch.BatchCommands.Add(recompute);
        }

        if (buckets.Count > 0)
        {
            var pairs = buckets.Pairs();
            var recompute = new NpgsqlBatchCommand(ComputedTraitSql.RecomputePairs);
            recompute.Parameters.Add(new NpgsqlParameter<Guid[]>("traits", pairs.Select(p => p.Trait).ToArray()));
            recompute.Parameters.Add(new NpgsqlParameter<Guid[]>("persons", pairs.Select(p => p.Person).ToArray()));
            recompute.Parameters.Add(today.Clone());
            recompute.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
            batch.BatchCommands.Add(recompute);
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

/// <summary>
/// A claim's events matched to the traits (<see cref="ComputedTraitStore.MatchAsync"/>): one row per (trait, person,
/// day) to add to the buckets, as columns in the order <see cref="ComputedTraitSql.ClaimBuckets"/> returns them.
/// </summary>
public sealed class ClaimBuckets
{
    private readonly List<Guid> _traits = [];
    private readonly List<Guid> _people = [];
    private readonly List<DateOnly> _days = [];
    private readonly List<long> _n = [];
    private readonly List<long> _skipped = [];
    private readonly List<long> _numN = [];
    private readonly List<string?> _sum = [];
    private readonly List<string?> _min = [];
    private readonly List<string?> _max = [];
    private readonly List<DateTimeOffset?> _firstAt = [];
    private readonly List<string?> _firstValue = [];
    private readonly List<DateTimeOffset?> _lastAt = [];
    private readonly List<string?> _lastValue = [];
    private readonly List<string?> _counts = [];

    public int Count => _traits.Count;

    /// <summary>The people whose values the buckets change.</summary>
    public IEnumerable<Guid> People => _people;

    /// <summary>The (trait, person) pairs whose values the buckets change, sorted.</summary>
    public List<(Guid Trait, Guid Person)> Pairs() =>
        _traits.Zip(_people).Distinct().OrderBy(p => p.First).ThenBy(p => p.Second).ToList();

    internal void Read(NpgsqlDataReader reader)
    {
        string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
        DateTimeOffset? Time(int i) => reader.IsDBNull(i) ? null : reader.GetFieldValue<DateTimeOffset>(i);
        _traits.Add(reader.GetGuid(0));
        _people.Add(reader.GetGuid(1));
        _days.Add(reader.GetFieldValue<DateOnly>(2));
        _n.Add(reader.GetInt64(3));
        _skipped.Add(reader.GetInt64(4));
        _numN.Add(reader.GetInt64(5));
        _sum.Add(Text(6));
        _min.Add(Text(7));
        _max.Add(Text(8));
        _firstAt.Add(Time(9));
        _firstValue.Add(Text(10));
        _lastAt.Add(Time(11));
        _lastValue.Add(Text(12));
        _counts.Add(Text(13));
    }

    internal void AddParameters(NpgsqlParameterCollection parameters)
    {
        parameters.Add(new NpgsqlParameter<Guid[]>("bt", [.. _traits]));
        parameters.Add(new NpgsqlParameter<Guid[]>("bp", [.. _people]));
        parameters.Add(new NpgsqlParameter<DateOnly[]>("bd", [.. _days]));
        parameters.Add(new NpgsqlParameter<long[]>("bn", [.. _n]));
        parameters.Add(new NpgsqlParameter<long[]>("bs", [.. _skipped]));
        parameters.Add(new NpgsqlParameter<long[]>("bnn", [.. _numN]));
        parameters.Add(new NpgsqlParameter<string?[]>("bsum", [.. _sum]));
        parameters.Add(new NpgsqlParameter<string?[]>("bmin", [.. _min]));
        parameters.Add(new NpgsqlParameter<string?[]>("bmax", [.. _max]));
        parameters.Add(new NpgsqlParameter<DateTimeOffset?[]>("bfa", [.. _firstAt]));
        parameters.Add(new NpgsqlParameter<string?[]>("bfv", [.. _firstValue]));
        parameters.Add(new NpgsqlParameter<DateTimeOffset?[]>("bla", [.. _lastAt]));
        parameters.Add(new NpgsqlParameter<string?[]>("blv", [.. _lastValue]));
        parameters.Add(new NpgsqlParameter<string?[]>("bc", [.. _counts]));
    }
}
