using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Monfri.Infrastructure.Ingestion;

/// <summary>
/// This node's ingest workers: each loop drains the intake claim by claim, sleeping when it is empty until
/// this node accepts something (signal) or a short poll finds work another node accepted.
/// </summary>
public sealed class IngestWorkers(IngestProcessor processor, IngestIntake intake, IOptions<IngestOptions> options, ILogger<IngestWorkers> logger)
    : BackgroundService
{
    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(250);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        options.Value.RunWorkers
            ? Task.WhenAll(Enumerable.Range(0, Math.Max(1, options.Value.Workers)).Select(_ => Task.Run(() => LoopAsync(stoppingToken), stoppingToken)))
            : Task.CompletedTask;

    private async Task LoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var (claimed, _) = await processor.ProcessOnceAsync(stoppingToken);
                if (claimed == 0)
                {
                    await intake.Signal.WaitAsync(IdlePoll, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The claim rolled back and its rows are back in the intake; try again after a pause.
                logger.LogError(ex, "An ingest claim failed; retrying in a second");
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }
}

/// <summary>Hourly upkeep: partitions for the coming months, expired dedupe entries, months past retention.</summary>
public sealed class IngestMaintenance(
    NpgsqlDataSource dataSource, EventPartitions partitions, IOptions<IngestOptions> options, TimeProvider clock, ILogger<IngestMaintenance> logger)
    : BackgroundService
{
    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var month = EventPartitions.MonthOf(now);
        await partitions.EnsureAsync(Enumerable.Range(-1, 4).Select(month.AddMonths), cancellationToken);

        await using (var purge = dataSource.CreateCommand("DELETE FROM cdp_dedupe WHERE seen_at < $1"))
        {
            purge.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now - options.Value.EffectiveDedupeWindow });
            await purge.ExecuteNonQueryAsync(cancellationToken);
        }

        var dropped = await partitions.DropOlderThanAsync(month.AddMonths(-Math.Max(1, options.Value.RetentionMonths)), cancellationToken);
        if (dropped > 0)
        {
            logger.LogInformation("Dropped {Count} month(s) of events past the retention of {Months} months", dropped, options.Value.RetentionMonths);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                logger.LogWarning(ex, "Ingest maintenance failed; next try in an hour");
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                await Task.Delay(TimeSpan.FromHours(1), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
