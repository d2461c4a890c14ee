using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Monfri.Application.Common.Live;
using Monfri.Application.Conditions;
using Monfri.Application.Segments;
using Monfri.Domain.Conditions;
using Monfri.Infrastructure.Conditions;
using Npgsql;

namespace Monfri.Infrastructure.Segments;

/// <summary>
/// Keeps segment membership materialised in <c>segment_members</c>. One statement per segment does the work, full or
/// incremental: the people who match now (the compiled condition), minus those who are members and no longer match
/// (deleted, recorded as left), plus those who match and are not members (inserted, recorded as entered), and the
/// member count moved by the difference — so counts, members and history can never disagree.
/// Every statement runs under a statement timeout: a slow definition is still correct, but cannot hang the database.
/// Live updates go out after commit on <c>segment:{id}</c>.
/// </summary>
public sealed class SegmentEngine(
    NpgsqlDataSource dataSource,
    IConditionCatalogSource catalogs,
    ILiveFeed live,
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
        await PublishAsync([change], cancellationToken);
        return change;
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
        var changes = new List<MembershipChange>();
        // Segments that others include go first, so those see this batch's membership of them.
        foreach (var id in DependencyOrder(catalog))
        {
            if (definitions.TryGetValue(id, out var definition))
            {
                var change = await ApplyAsync(connection, tx, id, definition, catalog, persons, "data changed", dependents: false, full: false, cancellationToken);
                if (change.Entered + change.Left > 0)
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
        await PublishAsync(changes, cancellationToken);
        return people.Count;
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

    public async Task<(IReadOnlyList<SegmentPersonDto> Items, int Total)> MembersAsync(Guid segmentId, Guid? ownerOnly, int pageIndex, int pageSize, CancellationToken cancellationToken)
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
                    SELECT p.id, p.first_name, p.last_name, p.email, p.is_contact, p.last_seen_at, m.entered_at
                    FROM segment_members m JOIN people p ON p.id = m.person_id WHERE m.segment_id = @s{owner}
                    ORDER BY m.entered_at DESC, p.id LIMIT @limit OFFSET @offset
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
    private async Task<MembershipChange> ApplyAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, Guid segmentId, Condition? definition, ConditionCatalog catalog,
        Guid[]? persons, string reason, bool dependents, bool full, CancellationToken cancellationToken)
    {
        if (definition is null)
        {
            return new MembershipChange(segmentId, 0, 0, 0);
        }

        // A field, trait or pipeline it names was deleted since it was saved: its membership stays as it was (and
        // saving it again says what is missing) rather than failing every other segment's update.
        if (ConditionValidator.Validate(definition, catalog, segmentId) is { Count: > 0 } problems)
        {
            logger.LogWarning("Segment {Segment} is not evaluated: {Problem}", segmentId, problems[0].Message);
            return new MembershipChange(segmentId, 0, 0, 0);
        }

        var now = clock.GetUtcNow();
        var compiled = ConditionSqlCompiler.Compile(definition, catalog, now);
        var some = persons is null ? "" : " AND p.id = ANY(@persons)";
        var someMembers = persons is null ? "" : " AND m.person_id = ANY(@persons)";
        var sql =
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
            log AS (
                INSERT INTO segment_membership_changes (segment_id, person_id, entered, at, reason)
                SELECT @segment, person_id, true, @now, @reason FROM came
                UNION ALL SELECT @segment, person_id, false, @now, @reason FROM gone),
            queued AS (
                INSERT INTO segment_dirty_people (person_id, queued_at)
                SELECT DISTINCT person_id, @now FROM (SELECT person_id FROM came UNION ALL SELECT person_id FROM gone) x WHERE @dependents
                ORDER BY 1
                ON CONFLICT (person_id) DO NOTHING),
            k AS (SELECT (SELECT count(*) FROM came) AS entered, (SELECT count(*) FROM gone) AS left_)
            UPDATE segments s SET member_count = s.member_count + k.entered - k.left_{(full ? ", evaluated_at = @now" : "")}
            FROM k WHERE s.id = @segment
            RETURNING k.entered, k.left_, s.member_count
            """;
        await using var command = new NpgsqlCommand(sql, connection, tx);
        foreach (var parameter in compiled.Parameters)
        {
            command.Parameters.Add(parameter);
        }

        command.Parameters.Add(new NpgsqlParameter<Guid>("segment", segmentId));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
        command.Parameters.Add(new NpgsqlParameter<string>("reason", reason));
        command.Parameters.Add(new NpgsqlParameter<bool>("dependents", dependents));
        if (persons is not null)
        {
            command.Parameters.Add(new NpgsqlParameter<Guid[]>("persons", persons));
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return new MembershipChange(segmentId, 0, 0, 0);
        }

        return new MembershipChange(segmentId, (int)reader.GetInt64(0), (int)reader.GetInt64(1), reader.GetInt32(2));
    }

    private async Task PublishAsync(IEnumerable<MembershipChange> changes, CancellationToken cancellationToken)
    {
        foreach (var change in changes)
        {
            try
            {
                await live.PublishAsync(SegmentLive.Topic(change.SegmentId), SegmentLive.Membership, change, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Committed already: a screen that misses this reloads on reconnect.
                logger.LogWarning(ex, "Publishing the membership change of segment {Segment} failed", change.SegmentId);
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
        await using var command = dataSource.CreateCommand("SELECT definition::text FROM segments WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = segmentId });
        return await command.ExecuteScalarAsync(cancellationToken) is string json ? ConditionJson.Deserialize(json) : null;
    }

    private static async Task<Dictionary<Guid, Condition>> DefinitionsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken cancellationToken)
    {
        var definitions = new Dictionary<Guid, Condition>();
        await using var command = new NpgsqlCommand("SELECT id, definition::text FROM segments", connection, tx);
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
            var first = reader.IsDBNull(1) ? null : reader.GetString(1);
            var last = reader.IsDBNull(2) ? null : reader.GetString(2);
            var email = reader.IsDBNull(3) ? null : reader.GetString(3);
            var identified = reader.GetBoolean(4);
            // The same words as Person.DisplayName.
            var name = $"{first} {last}".Trim() is { Length: > 0 } n ? n : email ?? (identified ? "Unnamed contact" : "Anonymous visitor");
            people.Add(new SegmentPersonDto(
                reader.GetGuid(0), name, email, identified,
                reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
                reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6)));
        }

        return people;
    }
}
