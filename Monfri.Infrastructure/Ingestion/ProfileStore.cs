using System.Text.Json;
using Monfri.Application.Cdp.Common;
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
}
