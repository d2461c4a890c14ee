using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Monfri.Application.Cdp.Traits;
using Npgsql;

namespace Monfri.Infrastructure.Traits;

/// <summary>
/// Ages windowed traits ("page views in the last 30 days"): a day's bucket that has left its trait's window is
/// deleted and that person's value recomputed. Only people with such a bucket are touched, so the hourly run
/// costs what actually changed; a value never waits for the person's next event to drop.
/// </summary>
public sealed class TraitAgeing(NpgsqlDataSource dataSource, TimeProvider clock, IOptions<TraitOptions> options, ILogger<TraitAgeing> logger)
    : BackgroundService
{
    /// <summary>Ages everything that is due by the clock's today; the number of values recomputed.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var aged = 0;
        while (true)
        {
            var now = clock.GetUtcNow();
            var today = DateOnly.FromDateTime(now.UtcDateTime);
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var tx = await connection.BeginTransactionAsync(cancellationToken);
            var pairs = new List<(Guid Trait, Guid Person)>();
            await using (var due = new NpgsqlCommand(ComputedTraitSql.AgedPairs, connection, tx))
            {
                due.Parameters.Add(new NpgsqlParameter<DateOnly>("today", today));
                await using var reader = await due.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    pairs.Add((reader.GetGuid(0), reader.GetGuid(1)));
                }
            }

            if (pairs.Count == 0)
            {
                await tx.CommitAsync(cancellationToken);
                return aged;
            }

            pairs = [.. pairs.OrderBy(p => p.Trait).ThenBy(p => p.Person)];
            await using var batch = new NpgsqlBatch(connection);
            foreach (var sql in (string[])[.. ComputedTraitSql.LockPeople, ComputedTraitSql.DeleteAged, ComputedTraitSql.RecomputePairs])
            {
                var command = new NpgsqlBatchCommand(sql);
                command.Parameters.Add(new NpgsqlParameter<Guid[]>("traits", pairs.Select(p => p.Trait).ToArray()));
                command.Parameters.Add(new NpgsqlParameter<Guid[]>("persons", pairs.Select(p => p.Person).ToArray()));
                command.Parameters.Add(new NpgsqlParameter<DateOnly>("today", today));
                command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
                batch.BatchCommands.Add(command);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken);
            await tx.CommitAsync(cancellationToken);
            aged += pairs.Count;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.RunWorkers)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                logger.LogWarning(ex, "Ageing computed traits failed; next try in {Interval}", options.Value.AgeingInterval);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                // Days leave windows at midnight UTC: the next run is then at the latest, not up to an interval later.
                var now = clock.GetUtcNow();
                var untilMidnight = new DateTimeOffset(now.UtcDateTime.Date.AddDays(1), TimeSpan.Zero) - now + TimeSpan.FromSeconds(5);
                await Task.Delay(untilMidnight < options.Value.AgeingInterval ? untilMidnight : options.Value.AgeingInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
