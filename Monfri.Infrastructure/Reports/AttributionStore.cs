using System.Text.Json;
using Monfri.Application.Cdp.Traits;
using Monfri.Application.Reports.GetAttribution;
using Npgsql;

namespace Monfri.Infrastructure.Reports;

/// <summary>
/// The event reads of the marketing reports. Touches are read with the parts of each event that
/// <see cref="Touch.Of"/> looks at (as <see cref="TouchRebuild"/> does), so a report and the first/last-touch traits
/// classify a visit the same way.
/// </summary>
public sealed class AttributionStore(NpgsqlDataSource dataSource) : IAttributionStore
{
    public async Task<IReadOnlyList<ConversionPoint>> FirstEventsAsync(string eventName, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken)
    {
        // ix_cdp_events_event_timestamp reads only this event's rows; the first per person decides, so a second
        // sign-up (or one carried over by a merge) does not count again.
        await using var command = dataSource.CreateCommand(
            """
            SELECT person_id, min("timestamp") AS first_at FROM cdp_events WHERE event = $1 AND "timestamp" < $3
            GROUP BY person_id HAVING min("timestamp") >= $2 ORDER BY first_at, person_id
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = eventName });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = start.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = end.ToUniversalTime() });
        var result = new List<ConversionPoint>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new ConversionPoint(reader.GetGuid(0), reader.GetFieldValue<DateTimeOffset>(1)));
        }

        return result;
    }

    public async Task<IReadOnlyList<IReadOnlyList<TouchPoint>>> TouchesBeforeAsync(IReadOnlyList<ConversionPoint> conversions, TimeSpan lookback, CancellationToken cancellationToken)
    {
        var result = conversions.Select(_ => new List<TouchPoint>()).ToArray();
        if (conversions.Count == 0)
        {
            return result;
        }

        // One pass for all conversions: each walks its person's (person_id, timestamp) index over the window only.
        await using var command = dataSource.CreateCommand(
            """
            SELECT c.ord, e."timestamp", e.type,
                   jsonb_build_object('campaign', e.context -> 'campaign', 'page', e.context -> 'page')::text,
                   CASE WHEN e.type IN ('page', 'screen') THEN jsonb_build_object('url', e.properties -> 'url', 'referrer', e.properties -> 'referrer', 'search', e.properties -> 'search')::text END
            FROM unnest($1::uuid[], $2::timestamptz[]) WITH ORDINALITY AS c(person_id, at, ord)
            JOIN cdp_events e ON e.person_id = c.person_id AND e."timestamp" <= c.at AND e."timestamp" > c.at - $3::interval
            ORDER BY c.ord, e."timestamp", e.id
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = conversions.Select(c => c.PersonId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = conversions.Select(c => c.At.ToUniversalTime()).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = lookback });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            using var context = JsonDocument.Parse(reader.GetString(3));
            using var properties = reader.IsDBNull(4) ? null : JsonDocument.Parse(reader.GetString(4));
            if (Touch.Of(reader.GetString(2), context.RootElement, properties?.RootElement) is { } touch)
            {
                result[reader.GetInt64(0) - 1].Add(new TouchPoint(reader.GetFieldValue<DateTimeOffset>(1), touch));
            }
        }

        return result;
    }

    public async Task<IReadOnlyList<PageViews>> TopPagesAsync(DateTimeOffset start, DateTimeOffset end, int limit, CancellationToken cancellationToken)
    {
        // The range prunes the event partitions; the path is the one the visitor stream shows.
        await using var command = dataSource.CreateCommand(
            """
            SELECT path, count(*), count(DISTINCT person_id) FROM (
                SELECT person_id, coalesce(properties ->> 'path', context -> 'page' ->> 'path', properties ->> 'url', '(unknown page)') AS path
                FROM cdp_events WHERE type = 'page' AND "timestamp" >= $1 AND "timestamp" < $2) views
            GROUP BY path ORDER BY count(*) DESC, path LIMIT $3
            """);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = start.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = end.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        var result = new List<PageViews>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new PageViews(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
        }

        return result;
    }
}
