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
            // Over one person's events (their index narrows the rows first), a contains match costs little.
            sql.Append(NameOrTitleMatches);
            command.Parameters.Add(new NpgsqlParameter<string>("event", Contains(eventName)));
        }

        sql.Append(""" ORDER BY "timestamp" DESC, id DESC LIMIT @limit""");
        command.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
        command.CommandText = sql.ToString();
        return await ReadAsync(command, cancellationToken);
    }

    public async Task<EventPosition?> FirstIdentifiedAsync(Guid personId, CancellationToken cancellationToken)
    {
        // Walks the person's index from the oldest end and stops at the first match: the signup is usually early.
        // The id breaks a tie with the anonymous events sent in the same batch, in the order they were sent.
        await using var command = dataSource.CreateCommand(
            """
            SELECT "timestamp", id FROM cdp_events WHERE person_id = $1 AND (type = 'identify' OR user_id IS NOT NULL)
            ORDER BY "timestamp", id LIMIT 1
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = personId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new EventPosition(reader.GetFieldValue<DateTimeOffset>(0), reader.GetGuid(1)) : null;
    }

    public async Task<BeforeSignupCounts> CountBeforeAsync(Guid personId, EventPosition? signup, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder("""SELECT count(*), count(*) FILTER (WHERE type IN ('page', 'screen')) FROM cdp_events WHERE person_id = @person""");
        await using var command = dataSource.CreateCommand();
        command.Parameters.Add(new NpgsqlParameter<Guid>("person", personId));
        if (signup is not null)
        {
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("at", signup.At.ToUniversalTime()));
            if (signup.Id is { } id)
            {
                sql.Append(""" AND ("timestamp", id) < (@at, @id)""");
                command.Parameters.Add(new NpgsqlParameter<Guid>("id", id));
            }
            else
            {
                sql.Append(""" AND "timestamp" < @at""");
            }
        }

        command.CommandText = sql.ToString();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new BeforeSignupCounts(reader.GetInt64(0), reader.GetInt64(1));
    }

    public async Task<long> CountAsync(Guid personId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM cdp_events WHERE person_id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = personId });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<DateTimeOffset?> LastEventAtAsync(Guid personId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT max(\"timestamp\") FROM cdp_events WHERE person_id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = personId });
        return await command.ExecuteScalarAsync(cancellationToken) is DateTime at ? new DateTimeOffset(at, TimeSpan.Zero) : null;
    }

    public async Task<string?> LatestDeviceContextAsync(Guid personId, CancellationToken cancellationToken)
    {
        // Per field, the newest of the person's latest 1,000 events that carries it: a server event on top
        // (context.library only) leaves the browser's values in place, and a person whose events never carry a
        // field (a backend that sends no user agent) costs one bounded walk of their index, not four full ones.
        await using var command = dataSource.CreateCommand(
            """
            WITH recent AS (
                SELECT context, row_number() OVER (ORDER BY "timestamp" DESC, id DESC) AS n FROM (
                    SELECT "timestamp", id, context FROM cdp_events WHERE person_id = $1 ORDER BY "timestamp" DESC, id DESC LIMIT 1000) r)
            SELECT jsonb_strip_nulls(jsonb_build_object(
                'userAgent', (SELECT context->'userAgent' FROM recent WHERE context ? 'userAgent' ORDER BY n LIMIT 1),
                'locale', (SELECT context->'locale' FROM recent WHERE context ? 'locale' ORDER BY n LIMIT 1),
                'timezone', (SELECT context->'timezone' FROM recent WHERE context ? 'timezone' ORDER BY n LIMIT 1),
                'location', (SELECT context->'location' FROM recent WHERE jsonb_typeof(context->'location') = 'object' ORDER BY n LIMIT 1)))::text
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = personId });
        return await command.ExecuteScalarAsync(cancellationToken) is string json && json != "{}" ? json : null;
    }

    public async Task<int> CountActiveAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        // People, not events: at thousands of events/s the last five minutes hold millions of events, but only as
        // many people as are active, found by ix_people_last_seen_at (last seen is kept to the minute by ingest).
        await using var command = dataSource.CreateCommand("SELECT count(*)::int FROM people WHERE last_seen_at >= $1");
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = since.ToUniversalTime() });
        return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<IReadOnlyList<ActiveVisitor>> ActiveAsync(DateTimeOffset since, int limit, CancellationToken cancellationToken)
    {
        // The most recently seen people (a backward scan of ix_people_last_seen_at), each with their latest event
        // (one step down their own events index) for the id and the page it shows.
        await using var command = dataSource.CreateCommand(
            """
            SELECT p.id, coalesce(e."timestamp", p.last_seen_at), e.anonymous_id, e.user_id, e.properties::text, e.context::text
            FROM (SELECT id, last_seen_at FROM people WHERE last_seen_at >= $1 ORDER BY last_seen_at DESC, id DESC LIMIT $2) p
            LEFT JOIN LATERAL (
                SELECT "timestamp", anonymous_id, user_id, properties, context FROM cdp_events
                WHERE person_id = p.id ORDER BY "timestamp" DESC, id DESC LIMIT 1) e ON true
            ORDER BY p.last_seen_at DESC, p.id DESC
            """);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = since.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        var items = new List<ActiveVisitor>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(new ActiveVisitor(
                reader.GetGuid(0), reader.GetFieldValue<DateTimeOffset>(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
        }

        return items;
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
            // The week bound and the timestamp index keep the rows a contains match looks at few.
            sql.Append(NameOrTitleMatches);
            command.Parameters.Add(new NpgsqlParameter<string>("event", Contains(filter.EventName.Trim())));
        }

        if (filter.IdentifiedOnly)
        {
            sql.Append(" AND EXISTS (SELECT 1 FROM people p WHERE p.id = person_id AND p.is_contact)");
        }

        if (!string.IsNullOrWhiteSpace(filter.UrlContains))
        {
            sql.Append(" AND coalesce(properties->>'url', properties->>'path', context->'page'->>'url', '') ILIKE @url");
            command.Parameters.Add(new NpgsqlParameter<string>("url", Contains(filter.UrlContains.Trim())));
        }

        sql.Append(""" ORDER BY "timestamp" DESC, id DESC LIMIT @limit""");
        command.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
        command.CommandText = sql.ToString();
        return await ReadAsync(command, cancellationToken);
    }

    /// <summary>
    /// The event-name filter: the name, or for a page or screen view also its title — what the timeline shows
    /// ("Viewed Pricing") is what a person types.
    /// </summary>
    private const string NameOrTitleMatches =
        " AND (event ILIKE @event OR (type IN ('page', 'screen') AND coalesce(properties->>'title', context->'page'->>'title') ILIKE @event))";

    /// <summary>An ILIKE pattern matching text that contains <paramref name="text"/> literally.</summary>
    private static string Contains(string text) => $"%{EscapeLike(text)}%";

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
