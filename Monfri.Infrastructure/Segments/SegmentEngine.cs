using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Monfri.Application.Common.Events;
using Monfri.Application.Conditions;
using Monfri.Application.Segments;
using Monfri.Domain.Conditions;
using Monfri.Domain.Segments;
using Monfri.Infrastructure.Conditions;
using Npgsql;

namespace Monfri.Infrastructure.Segments;

/// <summary>
/// Keeps segment membership materialised in <c>segment_members</c>. One statement per segment does the work, full or
/// incremental: the people who match now (the compiled condition), minus those who are members and no longer match
/// (deleted, recorded as left), plus those who match and are not members (inserted, recorded as entered), and the
/// member count moved by the difference — so counts, members and history can never disagree.
/// Every statement runs under a statement timeout: a slow definition is still correct, but cannot hang the database.
/// Who entered and left is announced after commit as <see cref="SegmentMembershipChanged"/> (live screens, automations).
/// </summary>
public sealed class SegmentEngine(
    NpgsqlDataSource dataSource,
    IConditionCatalogSource catalogs,
    IServiceScopeFactory scopes,
    TimeProvider clock,
    IOptions<SegmentOptions> options,
    ILogger<SegmentEngine> logger) : ISegmentEngine
{
    private readonly SegmentOptions _options = options.Value;

    public async Task<SegmentPreviewDto> PreviewAsync(Condition definition, Guid? ownerOnly, int sampleSize, CancellationToken cancellationToken)
    {
        var compiled = ConditionSqlCompiler.Compile(definition, await catalogs.LoadAsync(cancellationToken), clock.GetUtcNow());
        var owner = ownerOnly is null ? "" : " AND p.owner_id = @owner";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        await TimeoutAsync(connection, tx, _options.PreviewTimeout, cancellationToken);
        await using var batch = new NpgsqlBatch(connection, tx)
        {
            BatchCommands =
            {
                Command($"SELECT count(*) FROM people p WHERE {compiled.Where}{owner}", compiled, ownerOnly),
                Command(
                    $"""
                    SELECT p.id, p.first_name, p.last_name, p.email, p.is_contact, p.last_seen_at, NULL::timestamptz
                    FROM people p WHERE {compiled.Where}{owner}
                    ORDER BY p.last_seen_at DESC NULLS LAST, p.id LIMIT {Math.Clamp(sampleSize, 0, 100)}
                    """, compiled, ownerOnly),
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var count = (int)Math.Min(reader.GetInt64(0), int.MaxValue);
        await reader.NextResultAsync(cancellationToken);
        var sample = await ReadPeopleAsync(reader, cancellationToken);
        return new SegmentPreviewDto(count, sample);
    }

    public async Task<MembershipChange> EvaluateAsync(Guid segmentId, string reason, CancellationToken cancellationToken)
    {
        var catalog = await catalogs.LoadAsync(cancellationToken);
        if (!catalog.Segments.ContainsKey(segmentId))
        {
            return new MembershipChange(segmentId, 0, 0, 0);
        }

        var definition = await DefinitionAsync(segmentId, cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        await TimeoutAsync(connection, tx, _options.EvaluationTimeout, cancellationToken);
        var change = await ApplyAsync(connection, tx, segmentId, definition, catalog, null, reason, HasDependents(segmentId, catalog), full: true, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        await PublishAsync([change]);
        return Summary(change);
    }

    public async Task<int> ProcessChangedPeopleAsync(int batchSize, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        var people = new List<Guid>();
        await using (var claim = new NpgsqlCommand(
            """
            DELETE FROM segment_dirty_people WHERE person_id IN (
                SELECT person_id FROM segment_dirty_people ORDER BY queued_at LIMIT @n FOR UPDATE SKIP LOCKED)
            RETURNING person_id
            """, connection, tx))
        {
            claim.Parameters.Add(new NpgsqlParameter<int>("n", batchSize));
            await using var reader = await claim.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                people.Add(reader.GetGuid(0));
            }
        }

        // The catalog is read only when there is work: an idle worker costs one empty claim per poll.
        var catalog = people.Count == 0 ? null : await catalogs.LoadAsync(cancellationToken);
        if (catalog is null || catalog.Segments.Count == 0)
        {
            await tx.CommitAsync(cancellationToken);
            return people.Count;
        }

        await TimeoutAsync(connection, tx, _options.EvaluationTimeout, cancellationToken);
        var definitions = await DefinitionsAsync(connection, tx, cancellationToken);
        var persons = people.Order().ToArray();
        var changes = await StaticListsOfGoneAsync(connection, tx, persons, catalog, cancellationToken);
        // Segments that others include go first, so those see this batch's membership of them.
        foreach (var id in DependencyOrder(catalog))
        {
            if (definitions.TryGetValue(id, out var definition))
            {
                var change = await ApplyAsync(connection, tx, id, definition, catalog, persons, "data changed", dependents: false, full: false, cancellationToken);
                if (change.Entered.Count + change.Left.Count > 0)
                {
                    changes.Add(change);
                }
            }
        }

        // People who are gone (merged away, erased) have left every segment above; their history goes with them.
        await using (var forget = new NpgsqlCommand(
            "DELETE FROM segment_membership_changes c WHERE c.person_id = ANY(@persons) AND NOT EXISTS (SELECT 1 FROM people p WHERE p.id = c.person_id)",
            connection, tx))
        {
            forget.Parameters.Add(new NpgsqlParameter<Guid[]>("persons", persons));
            await forget.ExecuteNonQueryAsync(cancellationToken);
        }

        await tx.CommitAsync(cancellationToken);
        await PublishAsync(changes);
        return people.Count;
    }

    public Task<MembershipChange> AddMembersAsync(Guid segmentId, IReadOnlyCollection<Guid> people, string reason, CancellationToken cancellationToken) =>
        ChangeByHandAsync(segmentId, people, reason,
            """
            WITH came AS (
                INSERT INTO segment_members (segment_id, person_id, entered_at)
                SELECT @segment, p.id, @now FROM people p WHERE p.id = ANY(@persons) ORDER BY p.id
                ON CONFLICT (segment_id, person_id) DO NOTHING
                RETURNING person_id),
            gone AS (SELECT NULL::uuid AS person_id WHERE false),
            """, cancellationToken);

    public Task<MembershipChange> RemoveMembersAsync(Guid segmentId, IReadOnlyCollection<Guid> people, string reason, CancellationToken cancellationToken) =>
        ChangeByHandAsync(segmentId, people, reason,
            """
            WITH gone AS (
                DELETE FROM segment_members m WHERE m.segment_id = @segment AND m.person_id = ANY(@persons)
                RETURNING m.person_id),
            came AS (SELECT NULL::uuid AS person_id WHERE false),
            """, cancellationToken);

    private async Task<MembershipChange> ChangeByHandAsync(Guid segmentId, IReadOnlyCollection<Guid> people, string reason, string moves, CancellationToken cancellationToken)
    {
        var catalog = await catalogs.LoadAsync(cancellationToken);
        var persons = people.Distinct().Order().ToArray();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        await TimeoutAsync(connection, tx, _options.EvaluationTimeout, cancellationToken);
        var change = await MoveAsync(
            connection, tx, segmentId, moves, [], persons, reason, HasDependents(segmentId, catalog), full: false, clock.GetUtcNow(), cancellationToken);
        await tx.CommitAsync(cancellationToken);
        await PublishAsync([change]);
        return Summary(change);
    }

    /// <summary>
    /// Static lists are never evaluated, so the people of this batch who are gone are taken out of them here, and a
    /// person merged into another hands their place to the survivor (the people a list holds are the same after a
    /// merge as before it).
    /// </summary>
    private async Task<List<SegmentMembershipChanged>> StaticListsOfGoneAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, Guid[] persons, ConditionCatalog catalog, CancellationToken cancellationToken)
    {
        var lists = new List<Guid>();
        await using (var find = new NpgsqlCommand(
            """
            SELECT DISTINCT m.segment_id FROM segment_members m JOIN segments s ON s.id = m.segment_id
            WHERE s.kind = 'Static' AND m.person_id = ANY(@persons) AND NOT EXISTS (SELECT 1 FROM people p WHERE p.id = m.person_id)
            ORDER BY 1
            """, connection, tx))
        {
            find.Parameters.Add(new NpgsqlParameter<Guid[]>("persons", persons));
            await using var reader = await find.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                lists.Add(reader.GetGuid(0));
            }
        }

        var changes = new List<SegmentMembershipChanged>();
        foreach (var list in lists)
        {
            changes.Add(await MoveAsync(
                connection, tx, list,
                """
                WITH gone AS (
                    DELETE FROM segment_members m WHERE m.segment_id = @segment AND m.person_id = ANY(@persons)
                    AND NOT EXISTS (SELECT 1 FROM people p WHERE p.id = m.person_id)
                    RETURNING m.person_id),
                came AS (
                    INSERT INTO segment_members (segment_id, person_id, entered_at)
                    SELECT DISTINCT @segment, w.winner_id, @now::timestamptz FROM gone g
                    JOIN cdp_profile_merges w ON w.loser_id = g.person_id AND w.outcome = 'Merged' AND w.undone_at IS NULL
                    WHERE EXISTS (SELECT 1 FROM people p WHERE p.id = w.winner_id)
                    ON CONFLICT (segment_id, person_id) DO NOTHING
                    RETURNING person_id),
                """,
                [], persons, "merged or erased", HasDependents(list, catalog), full: false, clock.GetUtcNow(), cancellationToken));
        }

        return changes;
    }

    public async Task<IReadOnlyList<SegmentDayCount>> SizeHistoryAsync(Guid segmentId, DateOnly from, CancellationToken cancellationToken)
    {
        // The last day before the range gives the size the range starts with.
        await using var command = dataSource.CreateCommand(
            """
            (SELECT day, member_count, entered, exited FROM segment_daily_counts WHERE segment_id = $1 AND day < $2 ORDER BY day DESC LIMIT 1)
            UNION ALL
            (SELECT day, member_count, entered, exited FROM segment_daily_counts WHERE segment_id = $1 AND day >= $2)
            ORDER BY day
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = segmentId });
        command.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = from });
        var days = new List<SegmentDayCount>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            days.Add(new SegmentDayCount(reader.GetFieldValue<DateOnly>(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3)));
        }

        return days;
    }

    public async Task<(int Entered, int Left)> ChangesSinceAsync(Guid segmentId, DateTimeOffset since, Guid? ownerOnly, CancellationToken cancellationToken)
    {
        var owner = ownerOnly is null ? "" : " AND EXISTS (SELECT 1 FROM people p WHERE p.id = c.person_id AND p.owner_id = $3)";
        await using var command = dataSource.CreateCommand(
            $"SELECT count(*) FILTER (WHERE c.entered), count(*) FILTER (WHERE NOT c.entered) FROM segment_membership_changes c WHERE c.segment_id = $1 AND c.at >= $2{owner}");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = segmentId });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = since });
        if (ownerOnly is { } me)
        {
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = me });
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return ((int)reader.GetInt64(0), (int)reader.GetInt64(1));
    }

    public async Task<int> EvaluateTimeRelativeAsync(CancellationToken cancellationToken)
    {
        var catalog = await catalogs.LoadAsync(cancellationToken);
        var evaluated = 0;
        foreach (var id in DependencyOrder(catalog))
        {
            var definition = await DefinitionAsync(id, cancellationToken);
            if (definition is not null && ConditionValidator.IsTimeRelative(definition))
            {
                await EvaluateAsync(id, "time window", cancellationToken);
                evaluated++;
            }
        }

        return evaluated;
    }

    /// <summary>The member list's sort keys, as SQL over <c>m</c> (members) and <c>p</c> (people); nothing else reaches ORDER BY.</summary>
    private static readonly Dictionary<string, string> MemberSorts = new(StringComparer.Ordinal)
    {
        [SegmentMemberSorts.Name] = "lower(coalesce(nullif(trim(concat_ws(' ', p.first_name, p.last_name)), ''), p.email, ''))",
        [SegmentMemberSorts.Email] = "lower(p.email)",
        [SegmentMemberSorts.EnteredAt] = "m.entered_at",
        [SegmentMemberSorts.LastSeenAt] = "p.last_seen_at",
    };

    private static string MemberOrder(string? sortBy, bool descending)
    {
        var key = MemberSorts.GetValueOrDefault(sortBy ?? SegmentMemberSorts.EnteredAt) ?? MemberSorts[SegmentMemberSorts.EnteredAt];
        var direction = (sortBy is null || descending) ? "DESC NULLS LAST" : "ASC NULLS LAST";
        return $"{key} {direction}, p.id";
    }

    private const string MemberColumns = "p.id, p.first_name, p.last_name, p.email, p.is_contact, p.last_seen_at, m.entered_at";

    public async Task<(IReadOnlyList<SegmentPersonDto> Items, int Total)> MembersAsync(
        Guid segmentId, Guid? ownerOnly, int pageIndex, int pageSize, string? sortBy, bool descending, CancellationToken cancellationToken)
    {
        var owner = ownerOnly is null ? "" : " AND p.owner_id = @owner";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand($"SELECT count(*) FROM segment_members m JOIN people p ON p.id = m.person_id WHERE m.segment_id = @s{owner}"),
                new NpgsqlBatchCommand(
                    $"""
                    SELECT {MemberColumns}
                    FROM segment_members m JOIN people p ON p.id = m.person_id WHERE m.segment_id = @s{owner}
                    ORDER BY {MemberOrder(sortBy, descending)} LIMIT @limit OFFSET @offset
                    """),
            },
        };
        foreach (var command in batch.BatchCommands)
        {
            command.Parameters.Add(new NpgsqlParameter<Guid>("s", segmentId));
            command.Parameters.Add(new NpgsqlParameter<int>("limit", pageSize));
            command.Parameters.Add(new NpgsqlParameter<long>("offset", (long)pageIndex * pageSize));
            if (ownerOnly is { } me)
            {
                command.Parameters.Add(new NpgsqlParameter<Guid>("owner", me));
            }
        }

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var total = (int)reader.GetInt64(0);
        await reader.NextResultAsync(cancellationToken);
        return (await ReadPeopleAsync(reader, cancellationToken), total);
    }

    public async IAsyncEnumerable<SegmentPersonDto> AllMembersAsync(
        Guid segmentId, Guid? ownerOnly, string? sortBy, bool descending, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var owner = ownerOnly is null ? "" : " AND p.owner_id = @owner";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"SELECT {MemberColumns} FROM segment_members m JOIN people p ON p.id = m.person_id WHERE m.segment_id = @s{owner} ORDER BY {MemberOrder(sortBy, descending)}",
            connection);
        command.Parameters.Add(new NpgsqlParameter<Guid>("s", segmentId));
        if (ownerOnly is { } me)
        {
            command.Parameters.Add(new NpgsqlParameter<Guid>("owner", me));
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return ReadPerson(reader);
        }
    }

    public async Task<IReadOnlyDictionary<Guid, int>> OwnedMemberCountsAsync(Guid ownerId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT m.segment_id, count(*) FROM segment_members m JOIN people p ON p.id = m.person_id WHERE p.owner_id = $1 GROUP BY 1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = ownerId });
        var counts = new Dictionary<Guid, int>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[reader.GetGuid(0)] = (int)reader.GetInt64(1);
        }

        return counts;
    }

    public async Task<IReadOnlyList<SegmentHistoryEntry>> PersonHistoryAsync(Guid personId, DateTimeOffset? atOrBefore, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT c.id, c.segment_id, s.name, c.entered, c.at, c.reason
            FROM segment_membership_changes c JOIN segments s ON s.id = c.segment_id
            WHERE c.person_id = $1 AND ($2::timestamptz IS NULL OR c.at <= $2)
            ORDER BY c.at DESC, c.id DESC LIMIT $3
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = personId });
        command.Parameters.Add(new NpgsqlParameter { Value = atOrBefore is { } at ? at : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        var entries = new List<SegmentHistoryEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new SegmentHistoryEntry(
                reader.GetInt64(0), reader.GetGuid(1), reader.GetString(2), reader.GetBoolean(3), reader.GetFieldValue<DateTimeOffset>(4), reader.GetString(5)));
        }

        return entries;
    }

    public async Task<IReadOnlyList<string>> SegmentsOfAsync(Guid personId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT s.name FROM segment_members m JOIN segments s ON s.id = m.segment_id WHERE m.person_id = $1 ORDER BY s.name");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = personId });
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    /// <summary>
    /// One segment over everyone (<paramref name="persons"/> null) or over some people: delete who left, insert who
    /// entered, record both, move the count. With <paramref name="dependents"/> the people who moved are queued so
    /// segments including this one follow.
    /// </summary>
    private async Task<SegmentMembershipChanged> ApplyAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, Guid segmentId, Condition? definition, ConditionCatalog catalog,
        Guid[]? persons, string reason, bool dependents, bool full, CancellationToken cancellationToken)
    {
        if (definition is null)
        {
            return Unchanged(segmentId, reason);
        }

        // A field, trait or pipeline it names was deleted since it was saved: its membership stays as it was (and
        // saving it again says what is missing) rather than failing every other segment's update.
        if (ConditionValidator.Validate(definition, catalog, segmentId) is { Count: > 0 } problems)
        {
            logger.LogWarning("Segment {Segment} is not evaluated: {Problem}", segmentId, problems[0].Message);
            return Unchanged(segmentId, reason);
        }

        var now = clock.GetUtcNow();
        var compiled = ConditionSqlCompiler.Compile(definition, catalog, now);
        var some = persons is null ? "" : " AND p.id = ANY(@persons)";
        var someMembers = persons is null ? "" : " AND m.person_id = ANY(@persons)";
        var moves =
            $"""
            WITH target AS (SELECT p.id FROM people p WHERE {compiled.Where}{some}),
            gone AS (
                DELETE FROM segment_members m WHERE m.segment_id = @segment{someMembers}
                AND NOT EXISTS (SELECT 1 FROM target t WHERE t.id = m.person_id)
                RETURNING m.person_id),
            came AS (
                INSERT INTO segment_members (segment_id, person_id, entered_at)
                SELECT @segment, t.id, @now FROM target t ORDER BY t.id
                ON CONFLICT (segment_id, person_id) DO NOTHING
                RETURNING person_id),
            """;
        return await MoveAsync(connection, tx, segmentId, moves, compiled.Parameters, persons, reason, dependents, full, now, cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="moves"/> (CTEs <c>gone</c> and <c>came</c>: the people who left and entered) with what every
    /// membership change does after it, in the same statement: record both with the reason, queue the people who
    /// moved when other segments include this one, move the count, and add the day's row of the size history.
    /// </summary>
    private static async Task<SegmentMembershipChanged> MoveAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, Guid segmentId, string moves, IEnumerable<NpgsqlParameter> parameters,
        Guid[]? persons, string reason, bool dependents, bool full, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var sql =
            $"""
            {moves}
            log AS (
                INSERT INTO segment_membership_changes (segment_id, person_id, entered, at, reason)
                SELECT @segment, person_id, true, @now, @reason FROM came
                UNION ALL SELECT @segment, person_id, false, @now, @reason FROM gone),
            queued AS (
                INSERT INTO segment_dirty_people (person_id, queued_at)
                SELECT DISTINCT person_id, @now FROM (SELECT person_id FROM came UNION ALL SELECT person_id FROM gone) x WHERE @dependents
                ORDER BY 1
                ON CONFLICT (person_id) DO NOTHING),
            k AS (SELECT (SELECT count(*) FROM came) AS entered, (SELECT count(*) FROM gone) AS left_),
            counted AS (
                UPDATE segments s SET member_count = s.member_count + k.entered - k.left_, evaluated_at = CASE WHEN @full THEN @now ELSE s.evaluated_at END
                FROM k WHERE s.id = @segment
                RETURNING k.entered, k.left_, s.member_count),
            daily AS (
                INSERT INTO segment_daily_counts AS d (segment_id, day, member_count, entered, exited)
                SELECT @segment, (@now AT TIME ZONE 'UTC')::date, c.member_count, c.entered, c.left_ FROM counted c
                WHERE @full OR c.entered + c.left_ > 0
                ON CONFLICT (segment_id, day) DO UPDATE
                SET member_count = excluded.member_count, entered = d.entered + excluded.entered, exited = d.exited + excluded.exited)
            SELECT member_count,
                (SELECT coalesce(array_agg(person_id), ARRAY[]::uuid[]) FROM came), (SELECT coalesce(array_agg(person_id), ARRAY[]::uuid[]) FROM gone)
            FROM counted
            """;
        await using var command = new NpgsqlCommand(sql, connection, tx);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(parameter);
        }

        command.Parameters.Add(new NpgsqlParameter<Guid>("segment", segmentId));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
        command.Parameters.Add(new NpgsqlParameter<string>("reason", reason));
        command.Parameters.Add(new NpgsqlParameter<bool>("dependents", dependents));
        command.Parameters.Add(new NpgsqlParameter<bool>("full", full));
        if (persons is not null)
        {
            command.Parameters.Add(new NpgsqlParameter<Guid[]>("persons", persons));
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return new SegmentMembershipChanged(segmentId, [], [], 0, reason, now);
        }

        return new SegmentMembershipChanged(
            segmentId, reader.GetFieldValue<Guid[]>(1), reader.GetFieldValue<Guid[]>(2), reader.GetInt32(0), reason, now);
    }

    private SegmentMembershipChanged Unchanged(Guid segmentId, string reason) => new(segmentId, [], [], 0, reason, clock.GetUtcNow());

    private static MembershipChange Summary(SegmentMembershipChanged change) =>
        new(change.SegmentId, change.Entered.Count, change.Left.Count, change.MemberCount);

    /// <summary>
    /// Hands each committed change to the <see cref="IDomainEventHandler{TEvent}"/>s of
    /// <see cref="SegmentMembershipChanged"/> (live screens, automations), each isolated as decision 014 has it: the
    /// change is saved, so a failing reaction is logged and the next still runs. Not the caller's token: the change
    /// has committed and its reactions run whether or not the caller still waits. An evaluation that moved nobody
    /// is not announced.
    /// </summary>
    private async Task PublishAsync(IEnumerable<SegmentMembershipChanged> changes)
    {
        var moved = changes.Where(c => c.Entered.Count + c.Left.Count > 0).ToList();
        if (moved.Count == 0)
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var handlers = scope.ServiceProvider.GetServices<IDomainEventHandler<SegmentMembershipChanged>>().ToList();
        foreach (var change in moved)
        {
            foreach (var handler in handlers)
            {
                try
                {
                    await handler.HandleAsync(change, CancellationToken.None);
                }
                catch (Exception ex)
                {
                    logger.LogError(ex, "{Handler} failed on the membership change of segment {Segment}", handler.GetType().Name, change.SegmentId);
                }
            }
        }
    }

    private static bool HasDependents(Guid segmentId, ConditionCatalog catalog) =>
        catalog.Segments.Values.Any(s => s.References.Contains(segmentId));

    /// <summary>Segments ordered so that every segment comes after the segments it includes (cycles are refused at save).</summary>
    public static IReadOnlyList<Guid> DependencyOrder(ConditionCatalog catalog)
    {
        var order = new List<Guid>();
        var state = new Dictionary<Guid, bool>();
        void Visit(Guid id)
        {
            if (state.ContainsKey(id) || !catalog.Segments.TryGetValue(id, out var segment))
            {
                return;
            }

            state[id] = false;
            foreach (var reference in segment.References)
            {
                Visit(reference);
            }

            state[id] = true;
            order.Add(id);
        }

        foreach (var id in catalog.Segments.Keys.Order())
        {
            Visit(id);
        }

        return order;
    }

    private async Task<Condition?> DefinitionAsync(Guid segmentId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT definition::text FROM segments WHERE id = $1 AND kind = 'Conditions'");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = segmentId });
        return await command.ExecuteScalarAsync(cancellationToken) is string json ? ConditionJson.Deserialize(json) : null;
    }

    private static async Task<Dictionary<Guid, Condition>> DefinitionsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken cancellationToken)
    {
        var definitions = new Dictionary<Guid, Condition>();
        await using var command = new NpgsqlCommand("SELECT id, definition::text FROM segments WHERE kind = 'Conditions'", connection, tx);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            definitions[reader.GetGuid(0)] = ConditionJson.Deserialize(reader.GetString(1));
        }

        return definitions;
    }

    private static async Task TimeoutAsync(NpgsqlConnection connection, NpgsqlTransaction tx, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // SET cannot take a parameter; the value is a whole number of milliseconds from configuration.
        await using var command = new NpgsqlCommand(
            $"SET LOCAL statement_timeout = {(long)Math.Max(1, timeout.TotalMilliseconds)}", connection, tx);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static NpgsqlBatchCommand Command(string sql, CompiledCondition compiled, Guid? ownerOnly)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var parameter in compiled.Parameters)
        {
            command.Parameters.Add(parameter.Clone());
        }

        if (ownerOnly is { } owner)
        {
            command.Parameters.Add(new NpgsqlParameter<Guid>("owner", owner));
        }

        return command;
    }

    private static async Task<List<SegmentPersonDto>> ReadPeopleAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var people = new List<SegmentPersonDto>();
        while (await reader.ReadAsync(cancellationToken))
        {
            people.Add(ReadPerson(reader));
        }

        return people;
    }

    private static SegmentPersonDto ReadPerson(NpgsqlDataReader reader)
    {
        var first = reader.IsDBNull(1) ? null : reader.GetString(1);
        var last = reader.IsDBNull(2) ? null : reader.GetString(2);
        var email = reader.IsDBNull(3) ? null : reader.GetString(3);
        var identified = reader.GetBoolean(4);
        // The same words as Person.DisplayName.
        var name = $"{first} {last}".Trim() is { Length: > 0 } n ? n : email ?? (identified ? "Unnamed contact" : "Anonymous visitor");
        return new SegmentPersonDto(
            reader.GetGuid(0), name, email, identified,
            reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
            reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6));
    }
}
