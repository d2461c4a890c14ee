using Monfri.Domain.Cdp;
using Npgsql;

namespace Monfri.Infrastructure.Privacy;

/// <summary>The person a privacy request is about, and every identifier Monfri links to them.</summary>
internal sealed record PrivacySubject(Guid PersonId, IReadOnlyList<(string Type, string Value)> Identities)
{
    /// <summary>
    /// The live profile an identifier points at: its identity row, or for an email a contact typed into the CRM
    /// (primary or other email) that has no identity row yet. Null when no one is known by it.
    /// </summary>
    public static async Task<Guid?> ResolveAsync(NpgsqlConnection connection, string type, string value, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT person_id FROM cdp_identities WHERE type = $1 AND value = $2
            UNION ALL
            SELECT id FROM people WHERE $1 = 'email' AND (email = $2 OR $2 = ANY(other_emails))
            LIMIT 1
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = type });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = value });
        return await command.ExecuteScalarAsync(cancellationToken) is Guid id ? id : null;
    }

    /// <summary>The person's identity rows plus the emails on their CRM record (which may have no identity row).</summary>
    public static async Task<PrivacySubject> LoadAsync(NpgsqlConnection connection, Guid personId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT type, value FROM cdp_identities WHERE person_id = $1
            UNION
            SELECT 'email', e FROM people p, unnest(array_append(p.other_emails, p.email)) e WHERE p.id = $1 AND e IS NOT NULL
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = personId });
        var identities = new List<(string, string)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            identities.Add((reader.GetString(0), reader.GetString(1)));
        }

        return new PrivacySubject(personId, identities);
    }

    /// <summary>
    /// The person and every profile merged into them, directly or through a chain: CDP merges (their records)
    /// and contact merges done by hand (the survivor's history line names the absorbed id). Their events, merge
    /// records and history are about this person too.
    /// </summary>
    public static async Task<IReadOnlyList<Guid>> AbsorbedAsync(NpgsqlConnection connection, Guid personId, CancellationToken cancellationToken)
    {
        var all = new HashSet<Guid> { personId };
        var frontier = new[] { personId };
        while (frontier.Length > 0)
        {
            await using var command = new NpgsqlCommand(
                """
                SELECT loser_id FROM cdp_profile_merges WHERE winner_id = ANY($1) AND outcome = 'Merged'
                UNION
                SELECT (regexp_match(summary, 'its id was ([0-9a-f-]{36})'))[1]::uuid FROM audit_log
                WHERE object_type = 'Contact' AND action = 'Merged' AND record_id = ANY($1) AND summary ~ 'its id was [0-9a-f-]{36}'
                """, connection);
            command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = frontier });
            var found = new List<Guid>();
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    if (all.Add(reader.GetGuid(0)))
                    {
                        found.Add(reader.GetGuid(0));
                    }
                }
            }

            frontier = [.. found];
        }

        return [.. all];
    }

    /// <summary>The identifier values long enough to look for inside free text and JSON (see <see cref="PrivacyKeys.MinSubstringLength"/>).</summary>
    public string[] SearchableValues =>
        Identities.Select(i => i.Value).Where(v => v.Length >= PrivacyKeys.MinSubstringLength).Distinct(StringComparer.Ordinal).ToArray();

    public string[] Emails => Identities.Where(i => i.Type == IdentityTypes.Email).Select(i => i.Value).Distinct(StringComparer.Ordinal).ToArray();
}
