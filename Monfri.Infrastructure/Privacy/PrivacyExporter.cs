using System.Data;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Monfri.Domain.Privacy;
using Monfri.Infrastructure.Persistence;
using Npgsql;
using NpgsqlTypes;

namespace Monfri.Infrastructure.Privacy;

/// <summary>
/// Writes everything Monfri holds about a person as one JSON document (right of access): profile, identities,
/// identify traits, computed traits and built-in stats, activities, linked deals, merge records, the history of their record, emails sent and every event. The document is built
/// from one consistent snapshot, written to a temporary file as it is read (events row by row, so a person with
/// 100,000 events never becomes one string) and then streamed into <c>privacy_exports</c>.
/// </summary>
internal sealed class PrivacyExporter(IDbContextFactory<MonfriDbContext> factory, NpgsqlDataSource dataSource, TimeProvider clock)
{
    public const string Format = "monfri-privacy-export/1";

    public async Task RunAsync(Guid requestId, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var request = await db.PrivacyRequests.FirstAsync(r => r.Id == requestId, cancellationToken);
        var counts = new Dictionary<string, long>();
        await using var file = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 64 * 1024,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        Guid? personId;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var snapshot = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken))
        {
            personId = await PrivacySubject.ResolveAsync(connection, request.IdentityType, request.IdentityValue!, cancellationToken);
            if (personId is null)
            {
                request.CompleteWithNoData(counts, clock.GetUtcNow());
                await db.SaveChangesAsync(cancellationToken);
                return;
            }

            await WriteAsync(connection, file, request, personId.Value, counts, cancellationToken);
            await snapshot.CommitAsync(cancellationToken);
        }

        file.Position = 0;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var content = new NpgsqlParameter("content", NpgsqlDbType.Bytea) { Value = file, Size = checked((int)file.Length) };
        await db.Database.ExecuteSqlRawAsync(
            "INSERT INTO privacy_exports (request_id, content) VALUES (@id, @content) ON CONFLICT (request_id) DO UPDATE SET content = excluded.content",
            [content, new NpgsqlParameter("id", request.Id)], cancellationToken);
        request.Complete(personId, counts, file.Length, clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private async Task WriteAsync(NpgsqlConnection connection, Stream file, PrivacyRequest request, Guid personId, Dictionary<string, long> counts, CancellationToken cancellationToken)
    {
        var subject = await PrivacySubject.LoadAsync(connection, personId, cancellationToken);
        var absorbed = await PrivacySubject.AbsorbedAsync(connection, personId, cancellationToken);
        await using var json = new Utf8JsonWriter(file, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("format", Format);
        json.WriteString("requestId", request.Id);
        json.WriteString("generatedAt", clock.GetUtcNow());
        json.WriteStartObject("requestedFor");
        json.WriteString("type", request.IdentityType);
        json.WriteString("value", request.IdentityValue);
        json.WriteEndObject();

        json.WritePropertyName("profile");
        json.WriteRawValue(await ScalarJsonAsync(connection,
            """
            SELECT (to_jsonb(p) - 'search_text') || jsonb_build_object('company_name', c.name, 'owner_name', u.display_name)
            FROM people p LEFT JOIN companies c ON c.id = p.company_id LEFT JOIN users u ON u.id = p.owner_id WHERE p.id = $1
            """, personId, cancellationToken) ?? "null");

        json.WriteStartArray("identities");
        foreach (var (type, value) in subject.Identities)
        {
            json.WriteStartObject();
            json.WriteString("type", type);
            json.WriteString("value", value);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        counts["identities"] = subject.Identities.Count;
        json.WriteBoolean("suppressed", await SuppressionList.AnyAsync(connection, subject.Identities, cancellationToken));

        json.WritePropertyName("traits");
        json.WriteRawValue(await ScalarJsonAsync(connection, "SELECT traits FROM cdp_profile_traits WHERE person_id = $1", personId, cancellationToken) ?? "{}");

        // Computed traits are derived from the events, but they are data held about the person all the same (and
        // what segments and personalisation act on), so the export names each by its key with its definition's name.
        json.WritePropertyName("computedTraits");
        json.WriteRawValue(await ScalarJsonAsync(connection,
            """
            SELECT jsonb_build_object(
                'traits', coalesce((
                    SELECT jsonb_object_agg(t.key, jsonb_build_object('name', t.name, 'kind', t.kind, 'value', v.value) ORDER BY t.key)
                    FROM cdp_trait_values v JOIN cdp_computed_traits t ON t.id = v.trait_id WHERE v.person_id = $1), '{}'::jsonb),
                'firstTouch', (SELECT jsonb_build_object('at', s.first_touch_at, 'source', s.first_touch_source, 'medium', s.first_touch_medium,
                    'campaign', s.first_touch_campaign) FROM cdp_profile_stats s WHERE s.person_id = $1 AND s.first_touch_at IS NOT NULL),
                'lastTouch', (SELECT jsonb_build_object('at', s.last_touch_at, 'source', s.last_touch_source, 'medium', s.last_touch_medium,
                    'campaign', s.last_touch_campaign) FROM cdp_profile_stats s WHERE s.person_id = $1 AND s.last_touch_at IS NOT NULL),
                'totalEvents', (SELECT count(*) FROM cdp_events e WHERE e.person_id = $1))
            """, personId, cancellationToken) ?? "{}");

        counts["activities"] = await WriteArrayAsync(json, "activities", connection,
            "SELECT to_jsonb(a)::text FROM activities a WHERE a.person_id = $1 ORDER BY a.occurred_at, a.id", personId, cancellationToken);
        counts["deals"] = await WriteArrayAsync(json, "deals", connection,
            "SELECT jsonb_build_object('name', d.name)::text FROM deals d JOIN deal_contacts dc ON dc.deal_id = d.id WHERE dc.person_id = $1 ORDER BY d.name", personId, cancellationToken);
        counts["merges"] = await WriteArrayAsync(json, "merges", connection,
            """
            SELECT to_jsonb(m)::text FROM cdp_profile_merges m
            WHERE m.winner_id = ANY($1) OR m.loser_id = ANY($1) ORDER BY m.merged_at, m.id
            """, absorbed.ToArray(), cancellationToken);

        counts["history"] = await WriteArrayAsync(json, "history", connection,
            """
            SELECT jsonb_build_object('at', l.at, 'action', l.action, 'summary', l.summary, 'changes', l.changes)::text FROM audit_log l
            WHERE l.object_type = 'Contact' AND l.record_id = ANY($1) ORDER BY l.at, l.id
            """, absorbed.ToArray(), cancellationToken);

        // Messages sent to the person belong here once Monfri sends email; until then it has sent none.
        json.WriteStartArray("emails");
        json.WriteEndArray();
        counts["emails"] = 0;

        counts["events"] = await WriteEventsAsync(json, connection, absorbed.ToArray(), cancellationToken);
        json.WriteEndObject();
        await json.FlushAsync(cancellationToken);
    }

    private static async Task<long> WriteEventsAsync(Utf8JsonWriter json, NpgsqlConnection connection, Guid[] people, CancellationToken cancellationToken)
    {
        json.WriteStartArray("events");
        await using var command = new NpgsqlCommand(
            """
            SELECT id, source_id, message_id, type, event, "timestamp", received_at, sent_at, original_timestamp, user_id, anonymous_id,
                   properties::text, context::text
            FROM cdp_events WHERE person_id = ANY($1) ORDER BY "timestamp", id
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = people });
        long count = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            json.WriteStartObject();
            json.WriteString("id", reader.GetGuid(0));
            json.WriteString("sourceId", reader.GetGuid(1));
            json.WriteString("messageId", reader.GetString(2));
            json.WriteString("type", reader.GetString(3));
            WriteNullable(json, "event", reader, 4);
            json.WriteString("timestamp", reader.GetFieldValue<DateTimeOffset>(5));
            json.WriteString("receivedAt", reader.GetFieldValue<DateTimeOffset>(6));
            WriteNullableDate(json, "sentAt", reader, 7);
            WriteNullableDate(json, "originalTimestamp", reader, 8);
            WriteNullable(json, "userId", reader, 9);
            WriteNullable(json, "anonymousId", reader, 10);
            json.WritePropertyName("properties");
            json.WriteRawValue(reader.IsDBNull(11) ? "null" : reader.GetString(11), skipInputValidation: true);
            json.WritePropertyName("context");
            json.WriteRawValue(reader.IsDBNull(12) ? "null" : reader.GetString(12), skipInputValidation: true);
            json.WriteEndObject();
            if (++count % 500 == 0)
            {
                await json.FlushAsync(cancellationToken);
            }
        }

        json.WriteEndArray();
        return count;
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, NpgsqlDataReader reader, int ordinal)
    {
        if (reader.IsDBNull(ordinal))
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, reader.GetString(ordinal));
        }
    }

    private static void WriteNullableDate(Utf8JsonWriter json, string name, NpgsqlDataReader reader, int ordinal)
    {
        if (reader.IsDBNull(ordinal))
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, reader.GetFieldValue<DateTimeOffset>(ordinal));
        }
    }

    private static async Task<string?> ScalarJsonAsync(NpgsqlConnection connection, string sql, Guid personId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT ({sql})::text", connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = personId });
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>Writes the rows of <paramref name="sql"/> (one JSON text column) as an array.</summary>
    private static async Task<long> WriteArrayAsync<T>(Utf8JsonWriter json, string name, NpgsqlConnection connection, string sql, T parameter, CancellationToken cancellationToken)
    {
        json.WriteStartArray(name);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter<T> { TypedValue = parameter });
        long count = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            json.WriteRawValue(reader.GetString(0), skipInputValidation: true);
            count++;
        }

        json.WriteEndArray();
        return count;
    }
}
