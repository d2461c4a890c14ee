using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Monfri.Application.Segments;

namespace Monfri.Infrastructure.Segments;

/// <summary>
/// Keeps membership live: drains the queue of people whose data changed (filled by the ingest workers per claim and
/// by CRM saves, <see cref="SegmentChangeInterceptor"/>) a batch at a time, and evaluates segments with relative
/// windows again on <see cref="SegmentOptions.TimeWindowInterval"/> so people age out without an event of theirs.
/// Any number of processes may run it: the queue is claimed with SKIP LOCKED.
/// </summary>
public sealed class SegmentWorker(ISegmentEngine engine, IOptions<SegmentOptions> options, TimeProvider clock, ILogger<SegmentWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.RunWorkers)
        {
            return;
        }

        var nextWindowPass = clock.GetUtcNow() + settings.TimeWindowInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (clock.GetUtcNow() >= nextWindowPass)
                {
                    nextWindowPass = clock.GetUtcNow() + settings.TimeWindowInterval;
                    await engine.EvaluateTimeRelativeAsync(stoppingToken);
                }

                if (await engine.ProcessChangedPeopleAsync(settings.BatchSize, stoppingToken) > 0)
                {
                    continue;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // A deadlock or timeout rolls the batch back into the queue; the next pass takes it again. Whatever
                // failed, the worker keeps running: membership must not stop for every segment because of one.
                logger.LogWarning(ex, "Segment membership update failed; retrying");
            }

            try
            {
                await Task.Delay(settings.PollInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
