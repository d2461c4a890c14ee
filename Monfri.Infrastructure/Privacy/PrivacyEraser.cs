using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Monfri.Application.Cdp.Common;
using Monfri.Domain.Cdp;
using Monfri.Domain.Crm;
using Monfri.Domain.Privacy;
using Monfri.Infrastructure.Ingestion;
using Monfri.Infrastructure.Persistence;
using Npgsql;

namespace Monfri.Infrastructure.Privacy;

/// <summary>
/// Erases a person (right to erasure) in one transaction: their events, identities, traits, activities, deal
/// links, history and merge records, the requests not yet processed that carry their identifiers, earlier
/// privacy requests and exports about them, uploaded import files that name them, and finally their
/// <c>people</c> row. Deals survive without the link. What remains is one audit entry and this request, both
/// without personal data.
/// <para>
/// Concurrency with the ingest workers: the pending intake is filtered first (waiting for a worker that holds
/// one of those rows, so its events are stored before we delete them), then the person's row is locked, which
/// waits for any worker writing to them and makes later ones start over. Events that arrive after that are new
/// data: they start a new profile unless the person is also suppressed.
/// </para>
/// </summary>
internal sealed class PrivacyEraser(IDbContextFactory<MonfriDbContext> factory, ISourceDebugFeed debugger, TimeProvider clock, ILogger<PrivacyEraser> logger)
{
    private const string Erased = "[erased]";

    public async Task RunAsync(Guid requestId, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var request = await db.PrivacyRequests.FirstAsync(r => r.Id == requestId, cancellationToken);
        (string Type, string Value) asked = (request.IdentityType, request.IdentityValue!);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var counts = new Dictionary<string, long>();

        var found = await PrivacySubject.ResolveAsync(connection, asked.Type, asked.Value, cancellationToken);
        if (found is { } first)
        {
            counts["intakeEvents"] = await FilterIntakeAsync(connection, await PrivacySubject.LoadAsync(connection, first, cancellationToken), cancellationToken);
        }

        var personId = found is null ? null : await LockAsync(connection, asked, cancellationToken);
        if (personId is null)
        {
            counts["earlierRequests"] = await ForgetEarlierRequestsAsync(connection, request.Id, [], [asked], cancellationToken);
            request.CompleteWithNoData(counts, clock.GetUtcNow());
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            // Nothing stored, but a refused or suppressed event may still be on show in the debugger.
            await ForgetInDebuggerAsync([asked.Value]);
            return;
        }

        var subject = await PrivacySubject.LoadAsync(connection, personId.Value, cancellationToken);
        var people = (await PrivacySubject.AbsorbedAsync(connection, personId.Value, cancellationToken)).ToArray();
        var identities = subject.Identities.Append(asked).Distinct().ToList();
        var types = identities.Select(i => i.Type).ToArray();
        var values = identities.Select(i => i.Value).ToArray();
        // Free-text mentions: the identifiers long enough to be unambiguous, and the ids the person had.
        var terms = subject.SearchableValues.Concat(people.Select(p => p.ToString())).Distinct(StringComparer.Ordinal).ToArray();

        // The rows of every table that references a person (the list merges use too); derived trait state goes
        // with the people rows below, merge records and earlier requests are handled after.
        foreach (var table in PersonTables.Erased)
        {
            counts[table.EraseKey!] = await ExecuteAsync(connection, $"DELETE FROM {table.Table} WHERE {table.Column} = ANY($1)", cancellationToken, P(people));
        }

        // Other people's rows that mention the person (their own are gone by now).
        counts["otherEventsRedacted"] = await RedactOtherPeoplesEventsAsync(connection, identities, cancellationToken);
        counts["otherTraitsRedacted"] = await RedactJsonAsync(connection, "cdp_profile_traits", "traits", JsonSafe(identities), cancellationToken);
        counts["merges"] = await ExecuteAsync(connection,
            """
            DELETE FROM cdp_profile_merges m WHERE m.winner_id = ANY($1) OR m.loser_id = ANY($1)
               OR EXISTS (SELECT 1 FROM unnest($2::text[], $3::text[]) u(t, v) WHERE m.identity_type = u.t AND m.identity_value = u.v)
               OR EXISTS (SELECT 1 FROM unnest($4::text[]) s WHERE strpos(m.loser_snapshot::text, s) > 0)
            """, cancellationToken, P(people), P(types), P(values), P(terms));
        // The person's own history goes whole (including that of contacts merged into them by hand); other
        // records' history keeps its entries with the mention blanked out.
        counts["auditEntries"] = await ExecuteAsync(connection,
            "DELETE FROM audit_log WHERE object_type = 'Contact' AND record_id = ANY($1)", cancellationToken, P(people));
        counts["auditEntriesRedacted"] = await RedactAuditAsync(connection, terms, cancellationToken);
        counts["importFiles"] = await DropImportFilesAsync(connection, subject.SearchableValues, cancellationToken);
        counts["importIssuesRedacted"] = await RedactAsync(connection, "import_row_issues", "reason", subject.SearchableValues, cancellationToken);
        counts["earlierRequests"] = await ForgetEarlierRequestsAsync(connection, request.Id, people, identities, cancellationToken);
        counts["profiles"] = await ExecuteAsync(connection, "DELETE FROM people WHERE id = ANY($1)", cancellationToken, P(people));
        // Their segment memberships leave through the segment worker, which moves the counts and then deletes the
        // membership history of people who are gone (segment_members has no foreign key to people for that reason).
        await ExecuteAsync(connection, "INSERT INTO segment_dirty_people (person_id, queued_at) SELECT unnest($1::uuid[]), now() ON CONFLICT DO NOTHING", cancellationToken, P(people));

        var now = clock.GetUtcNow();
        request.Complete(null, counts, null, now);
        // Recorded under the request's id, not the person's: the entry says that an erasure happened, not whom.
        db.AuditLog.Add(AuditEntry.Record(CrmObjectType.Contact, request.Id, AuditAction.Deleted, [], request.RequestedById, now,
            $"Privacy deletion completed (request {request.Id}): " + string.Join(", ", counts.Where(c => c.Value > 0).Select(c => $"{c.Key} {c.Value.ToString(CultureInfo.InvariantCulture)}"))));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        var debuggerRows = await ForgetInDebuggerAsync(values);
        logger.LogInformation("Privacy request {RequestId}: person erased ({Events} events, {Identities} identities, {DebuggerRows} debugger rows)",
            request.Id, counts["events"], counts["identities"], debuggerRows);
    }

    /// <summary>
    /// The source debugger holds each source's last events in memory, outside the transaction: they go once the
    /// deletion has committed. Only this node's rows (each node keeps what it collected; another node's age out
    /// as its traffic replaces them — decision 011). The request is complete whatever happens here.
    /// </summary>
    private async Task<int> ForgetInDebuggerAsync(IReadOnlyCollection<string> identifiers)
    {
        try
        {
            return await debugger.ForgetAsync(identifiers, CancellationToken.None);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not drop erased identifiers from the source debugger");
            return 0;
        }
    }

    /// <summary>
    /// Locks the person's row for the rest of the transaction. A merge may have moved them into another profile
    /// since they were looked up: then the identifier is resolved again.
    /// </summary>
    private static async Task<Guid?> LockAsync(NpgsqlConnection connection, (string Type, string Value) asked, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            if (await PrivacySubject.ResolveAsync(connection, asked.Type, asked.Value, cancellationToken) is not { } personId)
            {
                return null;
            }

            await using var command = new NpgsqlCommand("SELECT id FROM people WHERE id = $1 FOR UPDATE", connection);
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = personId });
            if (await command.ExecuteScalarAsync(cancellationToken) is Guid locked)
            {
                return locked;
            }
        }

        throw new InvalidOperationException("The person kept being merged while their deletion tried to lock them.");
    }

    /// <summary>
    /// Removes the person's events from requests accepted but not yet processed (and from ones set aside as
    /// failed): the payload is rewritten without them, or the row goes when nothing else is left. Rows a worker
    /// is processing are waited for; their events are then stored, and deleted with the others.
    /// </summary>
    private static async Task<long> FilterIntakeAsync(NpgsqlConnection connection, PrivacySubject subject, CancellationToken cancellationToken)
    {
        var identities = subject.Identities.ToHashSet();
        var patterns = identities.SelectMany(i => PrivacyKeys.JsonPatterns(i.Value)).ToArray();
        if (patterns.Length == 0)
        {
            return 0;
        }

        var rows = new List<(long Id, Guid Source, byte[] Payload)>();
        await using (var select = new NpgsqlCommand(
            """
            SELECT id, source_id, payload FROM cdp_intake i
            WHERE EXISTS (SELECT 1 FROM unnest($1::bytea[]) p WHERE position(p IN i.payload) > 0)
            ORDER BY id FOR UPDATE
            """, connection))
        {
            select.Parameters.Add(new NpgsqlParameter<byte[][]> { TypedValue = patterns });
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((reader.GetInt64(0), reader.GetGuid(1), (byte[])reader[2]));
            }
        }

        long removed = 0;
        foreach (var (id, source, payload) in rows)
        {
            var kept = new ArrayBufferWriter<byte>(payload.Length);
            var keptCount = 0;
            var dropped = 0;
            using (var document = JsonDocument.Parse(payload))
            await using (var writer = new Utf8JsonWriter(kept))
            {
                writer.WriteStartArray();
                foreach (var element in document.RootElement.EnumerateArray())
                {
                    if (Mentions(element, source, identities))
                    {
                        dropped++;
                        continue;
                    }

                    element.WriteTo(writer);
                    keptCount++;
                }

                writer.WriteEndArray();
            }

            if (dropped == 0)
            {
                continue; // the bytes matched somewhere else (another person's text), not an identifier of theirs
            }

            removed += dropped;
            await using var update = keptCount == 0
                ? new NpgsqlCommand("DELETE FROM cdp_intake WHERE id = $1", connection)
                : new NpgsqlCommand("UPDATE cdp_intake SET payload = $2, event_count = $3 WHERE id = $1", connection);
            update.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
            if (keptCount > 0)
            {
                update.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = kept.WrittenSpan.ToArray() });
                update.Parameters.Add(new NpgsqlParameter<int> { TypedValue = keptCount });
            }

            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        return removed;
    }

    private static bool Mentions(JsonElement element, Guid source, HashSet<(string Type, string Value)> identities)
    {
        try
        {
            return PrivacyKeys.Of(IngestEvent.Read(source, element)).Any(identities.Contains);
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            // Not an event the workers could read either (a request set aside as failed): judge it by its text.
            var text = element.GetRawText();
            return identities.Any(i => i.Value.Length >= PrivacyKeys.MinSubstringLength && text.Contains(i.Value, StringComparison.Ordinal));
        }
    }

    /// <summary>
    /// Events stored on someone else can still carry the person's identifiers: another user signed in on their
    /// device (the link was refused, so the event is the other user's, with the person's anonymous id on it), or
    /// a property that names them. Those events stay — they are the other person's — with the identifier gone:
    /// id columns holding it become null, and its mentions in properties/traits and context become
    /// <c>[erased]</c>. This scans every event (there is no index on the id columns or the JSON); deletions are
    /// rare background jobs, and the promise is that no row mentions the person afterwards.
    /// </summary>
    private static async Task<long> RedactOtherPeoplesEventsAsync(NpgsqlConnection connection, IReadOnlyCollection<(string Type, string Value)> identities, CancellationToken cancellationToken)
    {
        var userIds = identities.Where(i => i.Type == IdentityTypes.UserId).Select(i => i.Value).ToArray();
        var anonymousIds = identities.Where(i => i.Type == IdentityTypes.AnonymousId).Select(i => i.Value).ToArray();
        var pattern = new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text, Value = (object?)Pattern(JsonSafe(identities)) ?? DBNull.Value };
        return await ExecuteAsync(connection,
            """
            UPDATE cdp_events e SET
                user_id = CASE WHEN e.user_id = ANY($1) THEN NULL ELSE e.user_id END,
                anonymous_id = CASE WHEN e.anonymous_id = ANY($2) THEN NULL ELSE e.anonymous_id END,
                properties = CASE WHEN e.properties::text ~* $3 THEN regexp_replace(e.properties::text, $3, '[erased]', 'gi')::jsonb ELSE e.properties END,
                context = CASE WHEN e.context::text ~* $3 THEN regexp_replace(e.context::text, $3, '[erased]', 'gi')::jsonb ELSE e.context END
            WHERE e.user_id = ANY($1) OR e.anonymous_id = ANY($2) OR e.properties::text ~* $3 OR e.context::text ~* $3
            """, cancellationToken, P(userIds), P(anonymousIds), pattern);
    }

    /// <summary>
    /// Replaces the identifiers inside a jsonb column of every row that mentions one (other people's rows: the
    /// person's own are gone). Case-insensitive, as with the events: "Ann@Example.com" typed into a form is the
    /// same address; erring towards erasing more is the right side for a deletion.
    /// </summary>
    private static async Task<long> RedactJsonAsync(NpgsqlConnection connection, string table, string column, string[] terms, CancellationToken cancellationToken) =>
        Pattern(terms) is not { } pattern ? 0 : await ExecuteAsync(connection,
            $"UPDATE {table} SET {column} = regexp_replace({column}::text, $1, '[erased]', 'gi')::jsonb WHERE {column}::text ~* $1", cancellationToken, P(pattern));

    /// <summary>
    /// The identifiers that can be replaced inside jsonb text without breaking it: long enough to be unambiguous
    /// (<see cref="PrivacyKeys.MinSubstringLength"/>) and without the characters jsonb escapes when it prints a
    /// string (quotes, backslashes, control characters) — so the printed text holds them as is.
    /// </summary>
    private static string[] JsonSafe(IEnumerable<(string Type, string Value)> identities) =>
        identities.Select(i => i.Value)
            .Where(v => v.Length >= PrivacyKeys.MinSubstringLength && !v.Any(c => c is '"' or '\\' || char.IsControl(c)))
            .Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>
    /// A PostgreSQL regular expression matching any of the terms literally (every character that is not a letter
    /// or digit escaped, which an ARE reads as that character); null when there is none.
    /// </summary>
    private static string? Pattern(string[] terms) =>
        terms.Length == 0 ? null
        : string.Join('|', terms.OrderByDescending(t => t.Length).Select(t => string.Concat(t.Select(c => char.IsAsciiLetterOrDigit(c) || c > 127 ? c.ToString() : "\\" + c))));

    /// <summary>History entries of other records (deals, companies, other contacts) that mention the person keep their place, with the mention replaced.</summary>
    private static async Task<long> RedactAuditAsync(NpgsqlConnection connection, string[] terms, CancellationToken cancellationToken)
    {
        var count = await ExecuteScalarAsync(connection,
            """
            SELECT count(*) FROM audit_log l WHERE
              EXISTS (SELECT 1 FROM unnest($1::text[]) s WHERE strpos(l.summary, s) > 0 OR strpos(l.changes::text, s) > 0)
            """, cancellationToken, P(terms));
        if (count == 0)
        {
            return 0;
        }

        foreach (var term in terms)
        {
            await ExecuteAsync(connection, "UPDATE audit_log SET summary = replace(summary, $1, $2) WHERE strpos(summary, $1) > 0",
                cancellationToken, P(term), P(Erased));
            // jsonb prints a string as is apart from quotes, backslashes and control characters, so a term without
            // those is replaced inside string values without breaking the document.
            if (!term.Any(c => c is '"' or '\\' || char.IsControl(c)))
            {
                await ExecuteAsync(connection,
                    "UPDATE audit_log SET changes = replace(changes::text, $1, $2)::jsonb WHERE strpos(changes::text, $1) > 0",
                    cancellationToken, P(term), P(Erased));
            }
        }

        return count;
    }

    private static async Task<long> RedactAsync(NpgsqlConnection connection, string table, string column, string[] terms, CancellationToken cancellationToken)
    {
        var count = await ExecuteScalarAsync(connection,
            $"SELECT count(*) FROM {table} t WHERE EXISTS (SELECT 1 FROM unnest($1::text[]) s WHERE strpos(t.{column}, s) > 0)", cancellationToken, P(terms));
        foreach (var term in count == 0 ? [] : terms)
        {
            await ExecuteAsync(connection, $"UPDATE {table} SET {column} = replace({column}, $1, $2) WHERE strpos({column}, $1) > 0", cancellationToken, P(term), P(Erased));
        }

        return count;
    }

    /// <summary>
    /// Finished imports keep their uploaded file for the report of rejected rows; a file that names the person
    /// is dropped (the report then lists the issues without the original values). Searched as UTF-8 (also what
    /// an ASCII identifier looks like in windows-1252) and as UTF-16, the encodings an upload may have.
    /// </summary>
    private static async Task<long> DropImportFilesAsync(NpgsqlConnection connection, string[] values, CancellationToken cancellationToken)
    {
        var patterns = values.SelectMany(v => new[] { Encoding.UTF8.GetBytes(v), Encoding.Unicode.GetBytes(v), Encoding.BigEndianUnicode.GetBytes(v) }).ToArray();
        return patterns.Length == 0 ? 0 : await ExecuteAsync(connection,
            """
            UPDATE import_jobs j SET content = NULL
            WHERE j.content IS NOT NULL AND j.status IN ('Completed', 'Failed')
              AND EXISTS (SELECT 1 FROM unnest($1::bytea[]) p WHERE position(p IN j.content) > 0)
            """, cancellationToken, P(patterns));
    }

    /// <summary>Earlier privacy requests about the person forget the identifier, the link and any export document.</summary>
    private static async Task<long> ForgetEarlierRequestsAsync(
        NpgsqlConnection connection, Guid current, Guid[] people, IReadOnlyCollection<(string Type, string Value)> identities, CancellationToken cancellationToken) =>
        await ExecuteAsync(connection,
            """
            WITH about AS (
                SELECT r.id FROM privacy_requests r
                WHERE r.id <> $1 AND (r.person_id = ANY($2)
                   OR EXISTS (SELECT 1 FROM unnest($3::text[], $4::text[]) u(t, v) WHERE r.identity_type = u.t AND r.identity_value = u.v))
            ), exports AS (
                DELETE FROM privacy_exports e USING about WHERE e.request_id = about.id
            )
            UPDATE privacy_requests r SET identity_value = NULL, person_id = NULL, export_bytes = NULL FROM about WHERE r.id = about.id
            """, cancellationToken, P(current), P(people), P(identities.Select(i => i.Type).ToArray()), P(identities.Select(i => i.Value).ToArray()));

    private static NpgsqlParameter P(object value) => new() { Value = value };

    private static async Task<long> ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddRange(parameters);

        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<long> ExecuteScalarAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddRange(parameters);

        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }
}
