using System.Text.Json;
using Monfri.Application.Cdp.Common;
using Monfri.Application.Cdp.Profiles;
using Monfri.Application.Cdp.Profiles.GetProfileTraits;
using Npgsql;

namespace Monfri.Infrastructure.Ingestion;

/// <summary>Reads of profile traits and the partitioned events table.</summary>
public sealed class ProfileStore(NpgsqlDataSource dataSource) : IProfileStore
{
    public async Task<Dictionary<string, object?>> TraitsAsync(Guid personId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT traits::text FROM cdp_profile_traits WHERE person_id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = personId });
        var json = (string?)await command.ExecuteScalarAsync(cancellationToken);
        return json is null
            ? []
            : JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!.ToDictionary(kv => kv.Key, kv => (object?)kv.Value);
    }

    public async Task<(IReadOnlyList<ProfileEventDto> Items, int Total)> EventsAsync(Guid personId, int pageIndex, int pageSize, CancellationToken cancellationToken)
    {
        int total;
        await using (var count = dataSource.CreateCommand("SELECT count(*)::int FROM cdp_events WHERE person_id = $1"))
        {
            count.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = personId });
            total = (int)(await count.ExecuteScalarAsync(cancellationToken))!;
        }

        await using var command = dataSource.CreateCommand(
            """
            SELECT id, type, event, message_id, "timestamp", received_at, source_id, user_id, anonymous_id, properties::text, context::text
            FROM cdp_events WHERE person_id = $1 ORDER BY "timestamp" DESC, id DESC OFFSET $2 LIMIT $3
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = personId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = pageIndex * pageSize });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = pageSize });
        var items = new List<ProfileEventDto>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(new ProfileEventDto(
                reader.GetGuid(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3),
                reader.GetFieldValue<DateTimeOffset>(4), reader.GetFieldValue<DateTimeOffset>(5), reader.GetGuid(6),
                reader.IsDBNull(7) ? null : reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetString(8),
                reader.IsDBNull(9) ? null : JsonDocument.Parse(reader.GetString(9)).RootElement.Clone(),
                reader.IsDBNull(10) ? null : JsonDocument.Parse(reader.GetString(10)).RootElement.Clone()));
        }

        return (items, total);
    }

    // The identity's primary key (type, value) finds the person; an email falls back to people.email only when no
    // identity has it (the LIMIT stops the append after the first branch that answers). One round trip either way.
    /// <summary>Last seen exactly: <c>last_seen_at</c> is kept to the minute by ingest (decision 010), the person's newest event is one index probe.</summary>
    private const string LastSeen = """greatest(p.last_seen_at, (SELECT max(e."timestamp") FROM cdp_events e WHERE e.person_id = p.id))""";

    public Task<ProfileFacts?> FactsByIdentityAsync(string type, string value, CancellationToken cancellationToken) =>
        FactsAsync(
            $"""
            SELECT p.id, p.first_seen_at, {LastSeen}, t.traits::text
            FROM people p LEFT JOIN cdp_profile_traits t ON t.person_id = p.id
            WHERE p.id = (SELECT i.person_id FROM cdp_identities i WHERE i.type = $1 AND i.value = $2
                          UNION ALL
                          SELECT o.id FROM people o WHERE $1 = 'email' AND o.email = $2
                          LIMIT 1)
            """,
            [new NpgsqlParameter<string> { TypedValue = type }, new NpgsqlParameter<string> { TypedValue = value }],
            cancellationToken);

    public Task<ProfileFacts?> FactsByIdAsync(Guid personId, CancellationToken cancellationToken) =>
        FactsAsync(
            $"""
            SELECT p.id, p.first_seen_at, {LastSeen}, t.traits::text
            FROM people p LEFT JOIN cdp_profile_traits t ON t.person_id = p.id
            WHERE p.id = $1
            """,
            [new NpgsqlParameter<Guid> { TypedValue = personId }],
            cancellationToken);

    private async Task<ProfileFacts?> FactsAsync(string sql, NpgsqlParameter[] parameters, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddRange(parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var traits = reader.IsDBNull(3)
            ? new Dictionary<string, JsonElement>()
            : JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(reader.GetString(3)) ?? [];
        return new ProfileFacts(
            reader.GetGuid(0),
            reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1),
            reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2),
            traits);
    }
}
