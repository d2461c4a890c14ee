using Microsoft.Extensions.Logging;
using Monfri.Application.Cdp.Collection;
using Monfri.Application.Privacy;
using Monfri.Domain.Cdp;
using Monfri.Infrastructure.Ingestion;
using Npgsql;

namespace Monfri.Infrastructure.Privacy;

/// <summary>
/// Identifiers whose owner objected to being tracked and emailed (Suppress requests), kept as SHA-256 keys in
/// <c>cdp_suppressions</c>. The ingest workers drop every event that carries one before it is stored; the list
/// is held in memory and re-read every few seconds (like the block list), so on another node a new suppression
/// (or a lifted one) takes effect within <see cref="RefreshInterval"/>, on this node at once.
/// </summary>
public sealed class SuppressionList(NpgsqlDataSource dataSource, TimeProvider clock, ILogger<SuppressionList> logger) : IEmailSuppression
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(5);

    private volatile Snapshot _snapshot = new(new HashSet<string>(StringComparer.Ordinal), DateTimeOffset.MinValue);

    /// <summary>The events that carry no suppressed identifier (the same list when nothing is suppressed).</summary>
    public async Task<List<IngestEvent>> FilterAsync(NpgsqlConnection connection, List<IngestEvent> events, CancellationToken cancellationToken)
    {
        var keys = await KeysAsync(connection, cancellationToken);
        if (keys.Count == 0 || events.Count == 0)
        {
            return events;
        }

        // Each distinct identifier is hashed once per claim: a visitor's burst of events repeats the same few.
        var suppressed = events.SelectMany(PrivacyKeys.Of).Distinct()
            .Where(id => keys.Contains(PrivacyKeys.Hash(id.Type, id.Value))).ToHashSet();
        if (suppressed.Count == 0)
        {
            return events;
        }

        var kept = events.Where(e => !PrivacyKeys.Of(e).Any(suppressed.Contains)).ToList();
        if (kept.Count < events.Count)
        {
            logger.LogInformation("Dropped {Count} event(s) of suppressed people", events.Count - kept.Count);
        }

        return kept;
    }

    public async Task<bool> IsSuppressedAsync(string email, CancellationToken cancellationToken)
    {
        if (Domain.Crm.Person.Normalize(email) is not { } normalized)
        {
            return false;
        }

        // Asked before each message sent, so it reads the table rather than a cache that may be seconds old.
        await using var command = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM cdp_suppressions WHERE key = $1)");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = PrivacyKeys.Hash(IdentityTypes.Email, normalized) });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>
    /// Adds the identifiers under <paramref name="requestId"/> (in the caller's transaction). A key may be held by
    /// several suppressions; it stays suppressed until the last of them is lifted.
    /// </summary>
    internal static async Task AddAsync(NpgsqlConnection connection, IReadOnlyCollection<(string Type, string Value)> identities, Guid requestId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (identities.Count == 0)
        {
            return;
        }

        await using var command = new NpgsqlCommand(
            """
            INSERT INTO cdp_suppressions (key, type, request_id, created_at)
            SELECT k, t, $3, $4 FROM unnest($1::text[], $2::text[]) u(k, t)
            ON CONFLICT (key, request_id) DO NOTHING
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = identities.Select(i => PrivacyKeys.Hash(i.Type, i.Value)).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = identities.Select(i => i.Type).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = requestId });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Removes what <paramref name="requestId"/> suppressed (in the caller's transaction).</summary>
    internal static async Task RemoveAsync(NpgsqlConnection connection, Guid requestId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("DELETE FROM cdp_suppressions WHERE request_id = $1", connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = requestId });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Whether any of the identifiers is suppressed (read from the table, for an export).</summary>
    internal static async Task<bool> AnyAsync(NpgsqlConnection connection, IEnumerable<(string Type, string Value)> identities, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM cdp_suppressions WHERE key = ANY($1))", connection);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = identities.Select(i => PrivacyKeys.Hash(i.Type, i.Value)).ToArray() });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>
    /// Marks the accepted debugger rows whose user id or anonymous id is suppressed, as far as this node knows:
    /// the list as its workers last read it (no database read on the collection path), so it may be a few seconds
    /// old, and it is empty on a node that runs no workers. Emails and external ids are only checked by the worker.
    /// </summary>
    public IReadOnlyList<DebugEvent> MarkSuppressed(IReadOnlyList<DebugEvent> rows)
    {
        var keys = _snapshot.Keys;
        if (keys.Count == 0)
        {
            return rows;
        }

        bool Suppressed(string type, string? value) => value is not null && keys.Contains(PrivacyKeys.Hash(type, value));
        return rows.Select(r => r.Error is null && (Suppressed(IdentityTypes.UserId, r.UserId) || Suppressed(IdentityTypes.AnonymousId, r.AnonymousId))
            ? r with { Suppressed = true } : r).ToList();
    }

    /// <summary>Makes the next filter re-read the table (after a suppression was added or lifted on this node).</summary>
    public void Refresh() => _snapshot = _snapshot with { At = DateTimeOffset.MinValue };

    private async Task<IReadOnlySet<string>> KeysAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var snapshot = _snapshot;
        var now = clock.GetUtcNow();
        if (now - snapshot.At < RefreshInterval)
        {
            return snapshot.Keys;
        }

        var keys = new HashSet<string>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand("SELECT DISTINCT key FROM cdp_suppressions", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                keys.Add(reader.GetString(0));
            }
        }

        _snapshot = new Snapshot(keys, now);
        return keys;
    }

    private sealed record Snapshot(IReadOnlySet<string> Keys, DateTimeOffset At);
}
