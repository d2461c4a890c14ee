using System.Collections.Concurrent;
using System.Globalization;
using Npgsql;

namespace Monfri.Infrastructure.Ingestion;

/// <summary>
/// Monthly partitions of <c>cdp_events</c>: the next months are created ahead (maintenance), any other month on
/// demand before a write needs it. Created outside the writing transaction, so a DDL lock never sits inside a
/// long ingest transaction.
/// </summary>
public sealed class EventPartitions(NpgsqlDataSource dataSource)
{
    private readonly ConcurrentDictionary<DateOnly, bool> _known = new();

    public static DateOnly MonthOf(DateTimeOffset at) => new(at.UtcDateTime.Year, at.UtcDateTime.Month, 1);

    public static string NameOf(DateOnly month) => $"cdp_events_{month:yyyy_MM}";

    public async Task EnsureAsync(IEnumerable<DateOnly> months, CancellationToken cancellationToken)
    {
        foreach (var month in months.Distinct())
        {
            if (_known.ContainsKey(month))
            {
                continue;
            }

            var from = month.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var to = month.AddMonths(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            await using var command = dataSource.CreateCommand(
                $"CREATE TABLE IF NOT EXISTS {NameOf(month)} PARTITION OF cdp_events FOR VALUES FROM ('{from} 00:00:00+00') TO ('{to} 00:00:00+00')");
            try
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DuplicateTable or PostgresErrorCodes.UniqueViolation)
            {
                // Another node created it at the same moment.
            }

            _known[month] = true;
        }
    }

    /// <summary>Drops whole months older than the retention: cheap, unlike deleting rows.</summary>
    public async Task<int> DropOlderThanAsync(DateOnly keepFrom, CancellationToken cancellationToken)
    {
        var dropped = 0;
        var names = new List<string>();
        await using (var list = dataSource.CreateCommand(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'cdp_events'"))
        await using (var reader = await list.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                names.Add(reader.GetString(0));
            }
        }

        foreach (var name in names)
        {
            if (DateOnly.TryParseExact(name.Replace("cdp_events_", "", StringComparison.Ordinal), "yyyy_MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month)
                && month < keepFrom)
            {
                await using var drop = dataSource.CreateCommand($"DROP TABLE IF EXISTS {name}");
                await drop.ExecuteNonQueryAsync(cancellationToken);
                _known.TryRemove(month, out _);
                dropped++;
            }
        }

        return dropped;
    }
}
