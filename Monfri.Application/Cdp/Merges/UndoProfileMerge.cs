using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Cdp.Common;
using Monfri.Application.Common.Live;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Domain.Cdp;
using Monfri.Domain.Crm;

using Roles = Monfri.Domain.Common.Roles;

namespace Monfri.Application.Cdp.Merges;

/// <summary>What an undone merge gave back to the absorbed person.</summary>
public sealed record UndoneMergeDto(Guid MergeId, Guid WinnerId, Guid LoserId, int Identities, int Events, int Activities, int Deals);

/// <summary>
/// Undoes one merge: the absorbed person comes back under their old id with their row as the merge found it,
/// their identities, the events those identities carried (also ones that arrived after the merge), their
/// identify traits, activities and deal links; the winner gets back the fields it had before. See
/// docs/decisions/009-undoing-a-merge.md for which identities and events count as the absorbed person's.
/// </summary>
[RequiresPermission(Permission.UndoMerges)]
public sealed record UndoProfileMergeCommand(Guid MergeId) : ICommand<Result<UndoneMergeDto>>
{
    /// <summary>The kind of the update both people's <c>profile:{id}</c> topics get.</summary>
    public const string LiveKind = "profile.unmerged";
}

public sealed class UndoProfileMergeHandler(
    IMonfriDbFactory dbFactory, CrmAccess access, TimeProvider clock, ILiveFeed live, IProfileRecompute recompute)
    : ICommandHandler<UndoProfileMergeCommand, Result<UndoneMergeDto>>
{
    public async ValueTask<Result<UndoneMergeDto>> Handle(UndoProfileMergeCommand command, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // The merge row is locked first: two Admins pressing Undo at once undo it once.
        var merge = (await db.ProfileMerges.FromSql($"SELECT * FROM cdp_profile_merges WHERE id = {command.MergeId} FOR UPDATE")
            .ToListAsync(cancellationToken)).FirstOrDefault();
        if (merge is null)
        {
            return Result<UndoneMergeDto>.NotFound("No such merge.");
        }

        var (m, w, l) = (merge.Id, merge.WinnerId, merge.LoserId);
        var snapshot = MergeSnapshot.Parse(merge.LoserSnapshot);
        var winnerExists = await db.People.AnyAsync(p => p.Id == w, cancellationToken);
        var loserExists = await db.People.AnyAsync(p => p.Id == l, cancellationToken);
        if (MergeUndoRules.WhyNot(merge, snapshot, winnerExists, loserExists) is { } why)
        {
            return Result<UndoneMergeDto>.Conflict(why);
        }

        // The same per-identity locks the ingest takes before resolving, in the same order, then the winner's
        // row: an event being resolved to the winner right now lands before we look, or after, on the right side.
        await db.Database.ExecuteSqlAsync(
            $"""
            SELECT count(pg_advisory_xact_lock(k)) FROM (
                SELECT DISTINCT hashtextextended(type || ':' || value, {AdvisoryLocks.IdentitySeed}) AS k FROM cdp_identities WHERE person_id = {w} ORDER BY 1) s;
            SELECT 1 FROM people WHERE id = {w} FOR UPDATE;
            """, cancellationToken);
        var winnerBefore = await db.People.AsNoTracking().FirstAsync(p => p.Id == w, cancellationToken);
        var now = clock.GetUtcNow();
        int identities, events, activities, deals;
        try
        {
            if (snapshot.HasWinner)
            {
                await RestoreWinnerFieldsAsync(db, m, w, now, cancellationToken);
            }

            await RecreateLoserAsync(db, m, now, cancellationToken);
            (identities, events) = await MoveIdentitiesAndEventsAsync(db, m, w, l, cancellationToken);
            activities = await db.Database.ExecuteSqlAsync(
                $"""
                UPDATE activities SET person_id = {l} WHERE person_id = {w} AND id IN (
                    SELECT x::uuid FROM cdp_profile_merges pm,
                        jsonb_array_elements_text(CASE WHEN jsonb_typeof(pm.loser_snapshot -> 'activities') = 'array' THEN pm.loser_snapshot -> 'activities' END) x
                    WHERE pm.id = {m})
                """, cancellationToken);
            deals = await MoveDealLinksAsync(db, m, w, l, cancellationToken);
            await RestoreTraitsAsync(db, merge, snapshot, now, cancellationToken);
            await RestoreSeenAsync(db, m, w, l, snapshot.HasWinner, now, cancellationToken);
        }
        catch (DbException ex) when (ex.SqlState == "23505")
        {
            return Result<UndoneMergeDto>.Conflict("An email of the absorbed person is now used by another contact; change that contact's email first.");
        }

        var winnerAfter = await db.People.AsNoTracking().FirstAsync(p => p.Id == w, cancellationToken);
        var loserName = snapshot.LoserName;
        db.AuditLog.Add(AuditEntry.Record(CrmObjectType.Contact, w, AuditAction.Unmerged, Changes(winnerBefore, winnerAfter), access.UserId, now,
            Clip($"Merge undone: {loserName} is a separate person again; {identities} identities, {events} events, {activities} activities and {deals} deal links went back to them.")));
        db.AuditLog.Add(AuditEntry.Record(CrmObjectType.Contact, l, AuditAction.Unmerged, [], access.UserId, now,
            Clip($"Merge undone: brought back from {winnerAfter.DisplayName}, as the merge of {merge.MergedAt:yyyy-MM-dd HH:mm} UTC found them.")));
        merge.MarkUndone(access.UserId, now);
        // Ingest claims that read "this identity is the winner's" before we commit see the epoch move and redo
        // their work (IngestProcessor.LockExistingPeopleAsync). Taken last, so two undos never wait on each other in turn.
        await db.Database.ExecuteSqlAsync($"UPDATE cdp_resolution_epoch SET value = value + 1", cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        // The one place derived profile data (computed traits) catches up with events that changed hands.
        await recompute.RecomputeAsync([w, l], cancellationToken);

        var data = new { MergeId = m, WinnerId = w, LoserId = l, By = access.UserId };
        await live.PublishAsync(LiveTopics.Profile(w), UndoProfileMergeCommand.LiveKind, data, cancellationToken);
        await live.PublishAsync(LiveTopics.Profile(l), UndoProfileMergeCommand.LiveKind, data, cancellationToken);
        return new UndoneMergeDto(m, w, l, identities, events, activities, deals);
    }

    /// <summary>
    /// A field of the winner goes back to its value before the merge when it holds the loser's value now and held
    /// something else then — i.e. it came from the loser and nobody changed it since. Emails, tags and custom
    /// fields the loser brought go the same way.
    /// </summary>
    private static async Task RestoreWinnerFieldsAsync(IMonfriDb db, Guid m, Guid w, DateTimeOffset now, CancellationToken cancellationToken)
    {
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

    /// <summary>The loser's row as the merge found it, under its old id; references that are gone since are left empty.</summary>
    private static async Task RecreateLoserAsync(IMonfriDb db, Guid m, DateTimeOffset now, CancellationToken cancellationToken) =>
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
            WHERE pm.id = {m}
            """, cancellationToken);

    /// <summary>
    /// Which identities and events are the loser's (docs/decisions/009-undoing-a-merge.md): the identities in the
    /// snapshot; an identity the winner gained after the merge when every event that carried it was the loser's;
    /// and every event of the winner whose identifiers are the loser's and none the winner's — so the event that
    /// linked the two stays with the winner, and events that arrived after the merge follow their identity.
    /// </summary>
    private static async Task<(int Identities, int Events)> MoveIdentitiesAndEventsAsync(IMonfriDb db, Guid m, Guid w, Guid l, CancellationToken cancellationToken)
    {
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

    /// <summary>The loser's deal links come back; the winner keeps a link only where it had one before the merge.</summary>
    private static async Task<int> MoveDealLinksAsync(IMonfriDb db, Guid m, Guid w, Guid l, CancellationToken cancellationToken)
    {
        var restored = await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO deal_contacts (deal_id, person_id)
            SELECT d.id, {l} FROM deals d WHERE d.id IN (
                SELECT (x ->> 'id')::uuid FROM cdp_profile_merges pm,
                    jsonb_array_elements(CASE WHEN jsonb_typeof(pm.loser_snapshot -> 'deals') = 'array' THEN pm.loser_snapshot -> 'deals' END) x
                WHERE pm.id = {m})
            ON CONFLICT DO NOTHING
            """, cancellationToken);
        await db.Database.ExecuteSqlAsync(
            $"""
            DELETE FROM deal_contacts WHERE person_id = {w} AND deal_id IN (
                SELECT (x ->> 'id')::uuid FROM cdp_profile_merges pm,
                    jsonb_array_elements(CASE WHEN jsonb_typeof(pm.loser_snapshot -> 'deals') = 'array' THEN pm.loser_snapshot -> 'deals' END) x
                WHERE pm.id = {m} AND NOT (x ->> 'shared')::boolean)
            """, cancellationToken);
        return restored;
    }

    /// <summary>
    /// The loser's identify traits from the snapshot, then those of its identifies that arrived after the merge;
    /// the winner loses the traits it only had from the loser (same rule as its fields).
    /// </summary>
    private static async Task RestoreTraitsAsync(IMonfriDb db, ProfileMerge merge, MergeSnapshot snapshot, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var loserTraits = Object(snapshot.Traits);
        var later = await db.Database.SqlQuery<string>(
                $"""
                SELECT properties::text AS "Value" FROM cdp_events
                WHERE person_id = {merge.LoserId} AND type = 'identify' AND received_at > {merge.MergedAt} AND jsonb_typeof(properties) = 'object'
                ORDER BY "timestamp"
                """)
            .ToListAsync(cancellationToken);
        var restored = (JsonObject)loserTraits.DeepClone();
        foreach (var traits in later.Select(t => JsonNode.Parse(t)!.AsObject()))
        {
            foreach (var (key, value) in traits)
            {
                restored[key] = value?.DeepClone();
            }
        }

        if (restored.Count > 0)
        {
            var json = restored.ToJsonString();
            await db.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO cdp_profile_traits (person_id, traits, updated_at) VALUES ({merge.LoserId}, {json}::jsonb, {now})
                ON CONFLICT (person_id) DO UPDATE SET traits = excluded.traits, updated_at = excluded.updated_at
                """, cancellationToken);
        }

        if (!snapshot.HasWinner || loserTraits.Count == 0)
        {
            return;
        }

        var current = await db.Database.SqlQuery<string>($"""SELECT traits::text AS "Value" FROM cdp_profile_traits WHERE person_id = {merge.WinnerId}""")
            .ToListAsync(cancellationToken);
        if (current.Count == 0)
        {
            return;
        }

        var winner = JsonNode.Parse(current[0])!.AsObject();
        var before = Object(snapshot.WinnerTraits);
        foreach (var (key, value) in loserTraits)
        {
            if (winner.TryGetPropertyValue(key, out var held) && JsonNode.DeepEquals(held, value)
                && !(before.TryGetPropertyValue(key, out var was) && JsonNode.DeepEquals(was, value)))
            {
                if (before.TryGetPropertyValue(key, out var own))
                {
                    winner[key] = own?.DeepClone();
                }
                else
                {
                    winner.Remove(key);
                }
            }
        }

        var winnerJson = winner.ToJsonString();
        await db.Database.ExecuteSqlAsync(
            $"UPDATE cdp_profile_traits SET traits = {winnerJson}::jsonb, updated_at = {now} WHERE person_id = {merge.WinnerId}", cancellationToken);
    }

    /// <summary>First and last seen of both from the events each holds now; the winner is a contact again only if it was one or still has an identifier that makes one.</summary>
    private static async Task RestoreSeenAsync(IMonfriDb db, Guid m, Guid w, Guid l, bool hasWinner, DateTimeOffset now, CancellationToken cancellationToken)
    {
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

    private static JsonObject Object(JsonElement? element) =>
        element is { ValueKind: JsonValueKind.Object } e ? JsonNode.Parse(e.GetRawText())!.AsObject() : [];

    private static string Clip(string text) => text.Length <= 500 ? text : text[..497] + "…";

    /// <summary>The winner's fields the undo changed, for the audit entry (the row was written by SQL, not tracked).</summary>
    private static List<FieldChange> Changes(Person before, Person after)
    {
        var fields = new (string Field, Func<Person, object?> Value)[]
        {
            ("firstName", p => p.FirstName), ("lastName", p => p.LastName), ("email", p => p.Email), ("otherEmails", p => string.Join(", ", p.OtherEmails)),
            ("phone", p => p.Phone), ("jobTitle", p => p.JobTitle), ("companyId", p => p.CompanyId), ("ownerId", p => p.OwnerId),
            ("lifecycleStage", p => p.LifecycleStage), ("leadSource", p => p.LeadSource), ("tags", p => string.Join(", ", p.Tags)),
            ("isContact", p => p.IsContact),
        };
        var changes = fields
            .Select(f => new FieldChange(f.Field, f.Value(before)?.ToString(), f.Value(after)?.ToString()))
            .Where(c => c.Old != c.New)
            .ToList();
        foreach (var key in before.CustomFields.Keys.Union(after.CustomFields.Keys).Order())
        {
            var (old, @new) = (Text(before.CustomFields.GetValueOrDefault(key)), Text(after.CustomFields.GetValueOrDefault(key)));
            if (old != @new)
            {
                changes.Add(new FieldChange($"customFields.{key}", old, @new));
            }
        }

        return changes;
    }

    private static string? Text(object? value) => value switch
    {
        null => null,
        JsonElement e => e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText(),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
    };
}
