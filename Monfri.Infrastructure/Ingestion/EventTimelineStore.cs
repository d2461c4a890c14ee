using System.Text;
using Monfri.Application.Cdp.Profiles;
using Npgsql;

namespace Monfri.Infrastructure.Ingestion;

/// <summary>Keyset reads of <c>cdp_events</c> for profile timelines and the visitor stream.</summary>
public sealed class EventTimelineStore(NpgsqlDataSource dataSource) : IEventTimelineStore
{
    private const string Columns = """id, person_id, source_id, type, event, "timestamp", user_id, anonymous_id, properties::text, context::text""";

    public async Task<IReadOnlyList<StoredEvent>> PersonEventsAsync(
        Guid personId, DateTimeOffset? beforeAt, Guid? beforeId, bool inclusiveAt, string? type, string? eventName, int limit, CancellationToken cancellationToken)
    {
        // Walks ix_cdp_events_person_timestamp from the cursor down: cost grows with the page, not the offset.
        var sql = new StringBuilder($"SELECT {Columns} FROM cdp_events WHERE person_id = @person");
        await using var command = dataSource.CreateCommand();
        command.Parameters.Add(new NpgsqlParameter<Guid>("person", personId));
        if (beforeAt is { } at)
        {
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("at", at.ToUniversalTime()));
            if (beforeId is { } id)
            {
                sql.Append(""" AND ("timestamp", id) < (@at, @id)""");
                command.Parameters.Add(new NpgsqlParameter<Guid>("id", id));
            }
            else
            {
                sql.Append(inclusiveAt ? """ AND "timestamp" <= @at""" : """ AND "timestamp" < @at""");
            }
        }

        if (type is not null)
        {
            sql.Append(" AND type = @type");
            command.Parameters.Add(new NpgsqlParameter<string>("type", type));
        }

        if (eventName is not null)
        {
            sql.Append(" AND event = @event");
            command.Parameters.Add(new NpgsqlParameter<string>("event", eventName));
        }

        sql.Append(""" ORDER BY "timestamp" DESC, id DESC LIMIT @limit""");
        command.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
        command.CommandText = sql.ToString();
        return await ReadAsync(command, cancellationToken);
    }

    public async Task<DateTimeOffset?> FirstIdentifiedAtAsync(Guid personId, CancellationToken cancellationToken)
    {
        // Walks the person's index from the oldest end and stops at the first match: the signup is usually early.
        await using var command = dataSource.CreateCommand(
            """
            SELECT "timestamp" FROM cdp_events WHERE person_id = $1 AND (type = 'identify' OR user_id IS NOT NULL)
            ORDER BY "timestamp" LIMIT 1
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = personId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? reader.GetFieldValue<DateTimeOffset>(0) : null;
    }

    public async Task<long> CountAsync(Guid personId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM cdp_events WHERE person_id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = personId });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<string?> LatestContextAsync(Guid personId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT context::text FROM cdp_events WHERE person_id = $1 AND context IS NOT NULL AND context <> '{}'::jsonb
            ORDER BY "timestamp" DESC LIMIT 1
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = personId });
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    public async Task<IReadOnlyList<StoredEvent>> LatestEventsAsync(VisitorEventFilter filter, int limit, CancellationToken cancellationToken)
    {
        // The week bound lets the planner skip older monthly partitions.
        var sql = new StringBuilder($"""SELECT {Columns} FROM cdp_events WHERE "timestamp" > now() - interval '7 days'""");
        await using var command = dataSource.CreateCommand();
        if (filter.SourceId is { } source)
        {
            sql.Append(" AND source_id = @source");
            command.Parameters.Add(new NpgsqlParameter<Guid>("source", source));
        }

        if (!string.IsNullOrWhiteSpace(filter.EventName))
        {
            sql.Append(" AND event = @event");
            command.Parameters.Add(new NpgsqlParameter<string>("event", filter.EventName.Trim()));
        }

        if (filter.IdentifiedOnly)
        {
            sql.Append(" AND EXISTS (SELECT 1 FROM people p WHERE p.id = person_id AND p.is_contact)");
        }

        if (!string.IsNullOrWhiteSpace(filter.UrlContains))
        {
            sql.Append(" AND coalesce(properties->>'url', properties->>'path', context->'page'->>'url', '') ILIKE @url");
            command.Parameters.Add(new NpgsqlParameter<string>("url", $"%{EscapeLike(filter.UrlContains.Trim())}%"));
        }

        sql.Append(""" ORDER BY "timestamp" DESC, id DESC LIMIT @limit""");
        command.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
        command.CommandText = sql.ToString();
        return await ReadAsync(command, cancellationToken);
    }

    private static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    private static async Task<IReadOnlyList<StoredEvent>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var items = new List<StoredEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(new StoredEvent(
                reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.GetFieldValue<DateTimeOffset>(5), reader.IsDBNull(6) ? null : reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetString(8), reader.IsDBNull(9) ? null : reader.GetString(9)));
        }

        return items;
    }
}
