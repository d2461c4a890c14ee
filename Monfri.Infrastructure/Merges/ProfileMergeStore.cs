using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Monfri.Application.Cdp.Merges;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Crm.Common;
using Monfri.Domain.Cdp;
using Monfri.Infrastructure.Persistence;

namespace Monfri.Infrastructure.Merges;

/// <summary>
/// The SQL of merges made by hand and of undoing a merge (<see cref="IProfileMergeStore"/>), run on the use
/// case's own connection and transaction. The rows that follow a merged person are <see cref="PersonTables"/>'.
/// </summary>
public sealed class ProfileMergeStore : IProfileMergeStore
{
    /// <summary>
    /// What a merge record keeps of the two sides (<see cref="MergeSnapshot"/>), as one SQL expression over
    /// parameters <c>@l</c> (loser) and <c>@w</c> (winner). The ingest's merges and merges by hand both embed it,
    /// so each is undone the same way.
    /// </summary>
    public const string SnapshotSql =
        """
        SELECT jsonb_build_object(
            'person', to_jsonb(p) - 'search_text',
            'identities', (SELECT coalesce(jsonb_agg(jsonb_build_object('type', i.type, 'value', i.value)), '[]'::jsonb) FROM cdp_identities i WHERE i.person_id = @l),
            'traits', (SELECT t.traits FROM cdp_profile_traits t WHERE t.person_id = @l),
            'activities', (SELECT jsonb_agg(a.id) FROM activities a WHERE a.person_id = @l),
            'deals', (SELECT jsonb_agg(jsonb_build_object('id', d.deal_id, 'shared',
                EXISTS (SELECT 1 FROM deal_contacts x WHERE x.deal_id = d.deal_id AND x.person_id = @w))) FROM deal_contacts d WHERE d.person_id = @l),
            'winner', (SELECT to_jsonb(w) - 'search_text' FROM people w WHERE w.id = @w),
            'winnerTraits', (SELECT t.traits FROM cdp_profile_traits t WHERE t.person_id = @w))
        FROM people p WHERE p.id = @l
        """;

    public async Task RecordByHandAsync(
        IMonfriDb db, Guid survivorId, Guid absorbedId, string absorbedLabel, string reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = Command(db,
            $"""
            INSERT INTO cdp_profile_merges (id, winner_id, loser_id, outcome, identity_type, identity_value, reason, loser_snapshot, merged_at)
            VALUES (@id, @w, @l, 'Merged', @it, left(@iv, 256), left(@r, 500), ({SnapshotSql}), @now)
            """,
            ("id", Guid.CreateVersion7(now)), ("w", survivorId), ("l", absorbedId), ("it", ProfileMerge.ByHand), ("iv", absorbedLabel), ("r", reason), ("now", now));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<MergeMoved>> MoveToSurvivorAsync(IMonfriDb db, Guid absorbedId, Guid survivorId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var moved = new List<MergeMoved>();
        foreach (var table in PersonTables.Merged)
        {
            var count = 0;
            foreach (var sql in table.Merge)
            {
                await using var command = Command(db, sql, ("w", survivorId), ("l", absorbedId), ("now", now));
                count = await command.ExecuteNonQueryAsync(cancellationToken);
            }

            moved.Add(new MergeMoved(count, table.One, table.Many));
        }

        return moved;
    }

    public async Task<ProfileMerge?> LockMergeAsync(IMonfriDb db, Guid mergeId, CancellationToken cancellationToken) =>
        (await db.ProfileMerges.FromSql($"SELECT * FROM cdp_profile_merges WHERE id = {mergeId} FOR UPDATE").ToListAsync(cancellationToken)).FirstOrDefault();

    public async Task LockWinnerAsync(IMonfriDb db, Guid winnerId, CancellationToken cancellationToken) =>
        await db.Database.ExecuteSqlAsync(
            $"""
            SELECT count(pg_advisory_xact_lock(k)) FROM (
                SELECT DISTINCT hashtextextended(type || ':' || value, {AdvisoryLocks.IdentitySeed}) AS k FROM cdp_identities WHERE person_id = {winnerId} ORDER BY 1) s;
            SELECT 1 FROM people WHERE id = {winnerId} FOR UPDATE;
            """, cancellationToken);

    public async Task RestoreWinnerFieldsAsync(IMonfriDb db, Guid mergeId, Guid winnerId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (m, w) = (mergeId, winnerId);
        await db.Database.ExecuteSqlAsync(
            $"""
            UPDATE people p SET
                first_name = CASE WHEN l.first_name IS NOT NULL AND p.first_name = l.first_name AND b.first_name IS DISTINCT FROM l.first_name THEN b.first_name ELSE p.first_name END,
                last_name = CASE WHEN l.last_name IS NOT NULL AND p.last_name = l.last_name AND b.last_name IS DISTINCT FROM l.last_name THEN b.last_name ELSE p.last_name END,
                email = CASE WHEN l.email IS NOT NULL AND p.email = l.email AND b.email IS DISTINCT FROM l.email THEN b.email ELSE p.email END,
                phone = CASE WHEN l.phone IS NOT NULL AND p.phone = l.phone AND b.phone IS DISTINCT FROM l.phone THEN b.phone ELSE p.phone END,
                job_title = CASE WHEN l.job_title IS NOT NULL AND p.job_title = l.job_title AND b.job_title IS DISTINCT FROM l.job_title THEN b.job_title ELSE p.job_title END,
                company_id = CASE WHEN l.company_id IS NOT NULL AND p.company_id = l.company_id AND b.company_id IS DISTINCT FROM l.company_id
                    THEN (SELECT c.id FROM companies c WHERE c.id = b.company_id) ELSE p.company_id END,
                owner_id = CASE WHEN l.owner_id IS NOT NULL AND p.owner_id = l.owner_id AND b.owner_id IS DISTINCT FROM l.owner_id
                    THEN (SELECT u.id FROM users u WHERE u.id = b.owner_id) ELSE p.owner_id END,
                lifecycle_stage = CASE WHEN p.lifecycle_stage = l.lifecycle_stage AND b.lifecycle_stage IS DISTINCT FROM l.lifecycle_stage THEN b.lifecycle_stage ELSE p.lifecycle_stage END,
                lead_source = CASE WHEN l.lead_source IS NOT NULL AND p.lead_source = l.lead_source AND b.lead_source IS DISTINCT FROM l.lead_source THEN b.lead_source ELSE p.lead_source END,
                tags = ARRAY(SELECT t FROM unnest(p.tags) t
                    WHERE NOT (lower(t) IN (SELECT lower(x) FROM unnest(l.tags) x) AND lower(t) NOT IN (SELECT lower(y) FROM unnest(b.tags) y))),
                custom_fields = coalesce((
                    SELECT jsonb_object_agg(k.key, CASE WHEN l.custom_fields -> k.key = k.value THEN b.custom_fields -> k.key ELSE k.value END)
                    FROM jsonb_each(p.custom_fields) k
                    WHERE NOT (l.custom_fields -> k.key = k.value AND NOT jsonb_exists(b.custom_fields, k.key))), jsonb_build_object()),
                created_at = b.created_at,
                updated_at = {now}
            FROM cdp_profile_merges pm, jsonb_populate_record(NULL::people, pm.loser_snapshot -> 'winner') b,
                 jsonb_populate_record(NULL::people, pm.loser_snapshot -> 'person') l
            WHERE p.id = {w} AND pm.id = {m};

            -- After the primary email is settled: the loser's addresses go, the winner's own stay (not twice).
            UPDATE people p SET other_emails = ARRAY(SELECT DISTINCT e FROM unnest(p.other_emails) e
                WHERE e IS DISTINCT FROM p.email
                  AND NOT (e = ANY (array_remove(l.other_emails || l.email, NULL)) AND NOT e = ANY (array_remove(b.other_emails || b.email, NULL))))
            FROM cdp_profile_merges pm, jsonb_populate_record(NULL::people, pm.loser_snapshot -> 'winner') b,
                 jsonb_populate_record(NULL::people, pm.loser_snapshot -> 'person') l
            WHERE p.id = {w} AND pm.id = {m};
            """, cancellationToken);
    }

    public async Task RecreateLoserAsync(IMonfriDb db, Guid mergeId, DateTimeOffset now, CancellationToken cancellationToken) =>
        await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO people (id, first_name, last_name, email, other_emails, phone, job_title, company_id, owner_id, lifecycle_stage, lead_source,
                                tags, custom_fields, is_contact, created_at, updated_at, last_activity_at, first_seen_at, last_seen_at)
            SELECT l.id, l.first_name, l.last_name, l.email,
                   ARRAY(SELECT e FROM unnest(l.other_emails) e WHERE e IS DISTINCT FROM l.email), l.phone, l.job_title,
                   (SELECT c.id FROM companies c WHERE c.id = l.company_id), (SELECT u.id FROM users u WHERE u.id = l.owner_id),
                   l.lifecycle_stage, l.lead_source, l.tags, l.custom_fields, l.is_contact, l.created_at, {now},
                   l.last_activity_at, l.first_seen_at, l.last_seen_at
            FROM cdp_profile_merges pm, jsonb_populate_record(NULL::people, pm.loser_snapshot -> 'person') l
            WHERE pm.id = {mergeId}
            """, cancellationToken);

    /// <summary>
    /// Which identities and events are the loser's (docs/decisions/009-undoing-a-merge.md): the identities in the
    /// snapshot; an identity the winner gained after the merge when every event that carried it was the loser's;
    /// and every event of the winner whose identifiers are the loser's and none the winner's — so the event that
    /// linked the two stays with the winner, and events that arrived after the merge follow their identity.
    /// </summary>
    public async Task<(int Identities, int Events)> MoveIdentitiesAndEventsBackAsync(IMonfriDb db, Guid mergeId, Guid winnerId, Guid loserId, CancellationToken cancellationToken)
    {
        var (m, w, l) = (mergeId, winnerId, loserId);
        await db.Database.ExecuteSqlAsync(
            $"""
            CREATE TEMP TABLE undo_event_keys ON COMMIT DROP AS
            SELECT e.id, k.type, k.value FROM cdp_events e
            CROSS JOIN LATERAL (
                SELECT 'user_id', btrim(e.user_id)
                UNION ALL SELECT 'anonymous_id', btrim(e.anonymous_id)
                UNION ALL SELECT 'email', lower(btrim(CASE WHEN e.type = 'identify' THEN e.properties ->> 'email' WHEN e.type <> 'group' THEN e.context -> 'traits' ->> 'email' END))
                UNION ALL SELECT lower(btrim(x ->> 'type')), btrim(x ->> 'id')
                    FROM jsonb_array_elements(CASE WHEN jsonb_typeof(e.context -> 'externalIds') = 'array' THEN e.context -> 'externalIds' END) x
            ) k(type, value)
            WHERE e.person_id = {w} AND k.value IS NOT NULL AND k.value <> '';

            CREATE TEMP TABLE undo_keys ON COMMIT DROP AS
            SELECT i.type, i.value,
                   CASE WHEN EXISTS (SELECT 1 FROM jsonb_array_elements(pm.loser_snapshot -> 'identities') j WHERE j ->> 'type' = i.type AND j ->> 'value' = i.value) THEN 'L'
                        WHEN i.created_at >= pm.merged_at THEN 'C'
                        ELSE 'W' END AS side
            FROM cdp_identities i, cdp_profile_merges pm WHERE i.person_id = {w} AND pm.id = {m};

            UPDATE undo_keys c SET side = 'L' WHERE c.side = 'C'
              AND EXISTS (SELECT 1 FROM undo_event_keys a JOIN undo_event_keys o ON o.id = a.id
                          JOIN undo_keys k ON k.type = o.type AND k.value = o.value AND k.side = 'L' WHERE a.type = c.type AND a.value = c.value)
              AND NOT EXISTS (SELECT 1 FROM undo_event_keys a JOIN undo_event_keys o ON o.id = a.id
                          JOIN undo_keys k ON k.type = o.type AND k.value = o.value AND k.side = 'W' WHERE a.type = c.type AND a.value = c.value);

            CREATE TEMP TABLE undo_moving ON COMMIT DROP AS
            SELECT ek.id FROM undo_event_keys ek JOIN undo_keys k ON k.type = ek.type AND k.value = ek.value
            GROUP BY ek.id HAVING bool_or(k.side = 'L') AND NOT bool_or(k.side <> 'L');
            """, cancellationToken);
        var identities = await db.Database.ExecuteSqlAsync(
            $"UPDATE cdp_identities SET person_id = {l} WHERE person_id = {w} AND (type, value) IN (SELECT type, value FROM undo_keys WHERE side = 'L')",
            cancellationToken);
        var events = await db.Database.ExecuteSqlAsync(
            $"UPDATE cdp_events SET person_id = {l} WHERE person_id = {w} AND id IN (SELECT id FROM undo_moving)", cancellationToken);
        return (identities, events);
    }

    public async Task<int> MoveActivitiesBackAsync(IMonfriDb db, Guid mergeId, Guid winnerId, Guid loserId, CancellationToken cancellationToken) =>
        await db.Database.ExecuteSqlAsync(
            $"""
            UPDATE activities SET person_id = {loserId} WHERE person_id = {winnerId} AND id IN (
                SELECT x::uuid FROM cdp_profile_merges pm,
                    jsonb_array_elements_text(CASE WHEN jsonb_typeof(pm.loser_snapshot -> 'activities') = 'array' THEN pm.loser_snapshot -> 'activities' END) x
                WHERE pm.id = {mergeId})
            """, cancellationToken);

    public async Task<int> MoveDealLinksBackAsync(IMonfriDb db, Guid mergeId, Guid winnerId, Guid loserId, CancellationToken cancellationToken)
    {
        var restored = await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO deal_contacts (deal_id, person_id)
            SELECT d.id, {loserId} FROM deals d WHERE d.id IN (
                SELECT (x ->> 'id')::uuid FROM cdp_profile_merges pm,
                    jsonb_array_elements(CASE WHEN jsonb_typeof(pm.loser_snapshot -> 'deals') = 'array' THEN pm.loser_snapshot -> 'deals' END) x
                WHERE pm.id = {mergeId})
            ON CONFLICT DO NOTHING
            """, cancellationToken);
        await db.Database.ExecuteSqlAsync(
            $"""
            DELETE FROM deal_contacts WHERE person_id = {winnerId} AND deal_id IN (
                SELECT (x ->> 'id')::uuid FROM cdp_profile_merges pm,
                    jsonb_array_elements(CASE WHEN jsonb_typeof(pm.loser_snapshot -> 'deals') = 'array' THEN pm.loser_snapshot -> 'deals' END) x
                WHERE pm.id = {mergeId} AND NOT (x ->> 'shared')::boolean)
            """, cancellationToken);
        return restored;
    }

    public async Task<IReadOnlyList<string>> IdentifyTraitsSinceAsync(IMonfriDb db, Guid personId, DateTimeOffset since, CancellationToken cancellationToken) =>
        await db.Database.SqlQuery<string>(
                $"""
                SELECT properties::text AS "Value" FROM cdp_events
                WHERE person_id = {personId} AND type = 'identify' AND received_at > {since} AND jsonb_typeof(properties) = 'object'
                ORDER BY "timestamp"
                """)
            .ToListAsync(cancellationToken);

    public async Task<string?> IdentifyTraitsAsync(IMonfriDb db, Guid personId, CancellationToken cancellationToken) =>
        (await db.Database.SqlQuery<string>($"""SELECT traits::text AS "Value" FROM cdp_profile_traits WHERE person_id = {personId}""")
            .ToListAsync(cancellationToken)).FirstOrDefault();

    public async Task SetIdentifyTraitsAsync(IMonfriDb db, Guid personId, string json, DateTimeOffset now, CancellationToken cancellationToken) =>
        await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO cdp_profile_traits (person_id, traits, updated_at) VALUES ({personId}, {json}::jsonb, {now})
            ON CONFLICT (person_id) DO UPDATE SET traits = excluded.traits, updated_at = excluded.updated_at
            """, cancellationToken);

    public async Task RestoreSeenAsync(IMonfriDb db, Guid mergeId, Guid winnerId, Guid loserId, bool hasWinner, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (m, w, l) = (mergeId, winnerId, loserId);
        await db.Database.ExecuteSqlAsync(
            $"""
            UPDATE people p SET first_seen_at = least(p.first_seen_at, e.f), last_seen_at = greatest(p.last_seen_at, e.l)
            FROM (SELECT min("timestamp") AS f, max("timestamp") AS l FROM cdp_events WHERE person_id = {l}) e
            WHERE p.id = {l}
            """, cancellationToken);
        if (!hasWinner)
        {
            return;
        }

        await db.Database.ExecuteSqlAsync(
            $"""
            UPDATE people p SET first_seen_at = least(b.first_seen_at, e.f), last_seen_at = greatest(b.last_seen_at, e.l),
                is_contact = p.is_contact AND (b.is_contact OR p.email IS NOT NULL
                    OR EXISTS (SELECT 1 FROM cdp_identities i WHERE i.person_id = p.id AND i.type IN ('user_id', 'email'))),
                updated_at = {now}
            FROM cdp_profile_merges pm, jsonb_populate_record(NULL::people, pm.loser_snapshot -> 'winner') b,
                 (SELECT min("timestamp") AS f, max("timestamp") AS l FROM cdp_events WHERE person_id = {w}) e
            WHERE p.id = {w} AND pm.id = {m}
            """, cancellationToken);
    }

    public async Task BumpResolutionEpochAsync(IMonfriDb db, CancellationToken cancellationToken) =>
        await db.Database.ExecuteSqlAsync($"UPDATE cdp_resolution_epoch SET value = value + 1", cancellationToken);

    /// <summary>
    /// A command on the use case's connection, in its transaction. Straight to the connection: EF's raw SQL would
    /// read braces as placeholders, and these texts name their parameters.
    /// </summary>
    private static DbCommand Command(IMonfriDb db, string sql, params (string Name, object Value)[] parameters)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        return command;
    }
}
