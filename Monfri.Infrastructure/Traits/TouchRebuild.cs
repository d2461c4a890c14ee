using System.Data.Common;
using System.Text.Json;
using Monfri.Application.Cdp.Traits;

namespace Monfri.Infrastructure.Traits;

/// <summary>A person's earliest and latest touch among some events.</summary>
public sealed record PersonTouches(Guid Person, DateTimeOffset FirstAt, Touch First, DateTimeOffset LastAt, Touch Last)
{
    /// <summary>
    /// Per person, in person order, from events given in the order they arrived (a claim) or were stored
    /// (timestamp, id): on a tie of timestamps the first to arrive is the first touch and the last to arrive the
    /// last one (decision 010).
    /// </summary>
    public static List<PersonTouches> Of(IEnumerable<(Guid Person, DateTimeOffset At, Touch? Touch)> events)
    {
        var byPerson = new Dictionary<Guid, PersonTouches>();
        foreach (var (person, at, touch) in events)
        {
            if (touch is null)
            {
                continue;
            }

            if (!byPerson.TryGetValue(person, out var seen))
            {
                byPerson[person] = new PersonTouches(person, at, touch, at, touch);
                continue;
            }

            if (at < seen.FirstAt)
            {
                seen = seen with { FirstAt = at, First = touch };
            }

            if (at >= seen.LastAt)
            {
                seen = seen with { LastAt = at, Last = touch };
            }

            byPerson[person] = seen;
        }

        return [.. byPerson.Values.OrderBy(p => p.Person)];
    }
}

/// <summary>
/// Rebuilds people's first/last touch from their stored events with the rules ingest uses (<see cref="Touch.Of"/>):
/// only the parts of each event a touch reads come back from the database. Plain ADO on the caller's connection and
/// transaction, so the ingest-side store (Npgsql) and a use case's EF transaction share it.
/// </summary>
public static class TouchRebuild
{
    private const string Read =
        """
        SELECT person_id, "timestamp", type,
               jsonb_build_object('campaign', context -> 'campaign', 'page', context -> 'page')::text,
               CASE WHEN type IN ('page', 'screen') THEN jsonb_build_object('url', properties -> 'url', 'referrer', properties -> 'referrer', 'search', properties -> 'search')::text END
        FROM cdp_events WHERE person_id = ANY(@persons::uuid[]) ORDER BY person_id, "timestamp", id
        """;

    public static async Task RunAsync(DbConnection connection, DbTransaction? transaction, IReadOnlyCollection<Guid> personIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var persons = personIds.Distinct().ToArray();
        await using (var delete = Command(connection, transaction, "DELETE FROM cdp_profile_stats WHERE person_id = ANY(@persons::uuid[])", ("persons", persons)))
        {
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        var events = new List<(Guid, DateTimeOffset, Touch?)>();
        await using (var read = Command(connection, transaction, Read, ("persons", persons)))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                using var context = JsonDocument.Parse(reader.GetString(3));
                using var properties = reader.IsDBNull(4) ? null : JsonDocument.Parse(reader.GetString(4));
                events.Add((reader.GetGuid(0), reader.GetFieldValue<DateTimeOffset>(1), Touch.Of(reader.GetString(2), context.RootElement, properties?.RootElement)));
            }
        }

        var rows = PersonTouches.Of(events);
        if (rows.Count == 0)
        {
            return;
        }

        await using var write = Command(connection, transaction, ComputedTraitSql.AddClaimStats, Parameters(rows, now));
        await write.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The parameters of <see cref="ComputedTraitSql.AddClaimStats"/> for these rows.</summary>
    public static (string Name, object Value)[] Parameters(IReadOnlyList<PersonTouches> rows, DateTimeOffset now) =>
    [
        ("p", rows.Select(r => r.Person).ToArray()),
        ("fa", rows.Select(r => r.FirstAt.ToUniversalTime()).ToArray()),
        ("fs", rows.Select(r => r.First.Source).ToArray()),
        ("fm", rows.Select(r => r.First.Medium).ToArray()),
        ("fc", rows.Select(r => r.First.Campaign).ToArray()),
        ("la", rows.Select(r => r.LastAt.ToUniversalTime()).ToArray()),
        ("ls", rows.Select(r => r.Last.Source).ToArray()),
        ("lm", rows.Select(r => r.Last.Medium).ToArray()),
        ("lc", rows.Select(r => r.Last.Campaign).ToArray()),
        ("now", now.ToUniversalTime()),
    ];

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        return command;
    }
}
