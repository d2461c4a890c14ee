using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Monfri.Infrastructure.Scheduling;

/// <summary>
/// This node's side of the job scheduler: for every registered kind, <see cref="JobKind.Concurrency"/> lanes that
/// claim and run that kind's jobs through <see cref="JobRunner"/> (a lane per kind, so a long import never holds up a
/// reminder); the enqueueing of recurring kinds (<see cref="RecurringJobs"/>); and a LISTEN on
/// <see cref="Channel"/>, which the <c>jobs</c> table's insert trigger notifies when the inserting transaction
/// commits — a job enqueued on any node, inside any transaction, starts at once instead of at the next poll.
/// </summary>
public sealed class JobWorker(
    JobRunner runner,
    RecurringJobs recurring,
    NpgsqlDataSource dataSource,
    IOptions<JobOptions> options,
    ILogger<JobWorker> logger) : BackgroundService
{
    /// <summary>The NOTIFY channel of the <c>jobs</c> insert trigger (migration AddJobs).</summary>
    public const string Channel = "monfri_jobs";

    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Wakes every idle lane of this node to look for work now.</summary>
    public void Wake() => Interlocked.Exchange(ref _wake, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.RunWorkers)
        {
            return Task.CompletedTask;
        }

        var lanes = runner.Kinds.Values.SelectMany(k => Enumerable.Range(1, Math.Max(1, k.Concurrency)).Select(i => LaneAsync(k.Name, i, stoppingToken)));
        return Task.WhenAll([ListenAsync(stoppingToken), ScheduleAsync(stoppingToken), .. lanes]);
    }

    private async Task LaneAsync(string kind, int number, CancellationToken stoppingToken)
    {
        await Task.Yield();
        string[] kinds = [kind];
        var lane = $"{kind}#{number}";
        while (!stoppingToken.IsCancellationRequested)
        {
            // Taken before looking, so a wake-up between an empty look and the wait is not missed.
            var wake = Volatile.Read(ref _wake).Task;
            try
            {
                if (!await runner.RunNextAsync(kinds, lane, stoppingToken))
                {
                    await Task.WhenAny(wake, Task.Delay(options.Value.PollInterval, stoppingToken));
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The database may be restarting: pause and try again rather than stop this kind of work for good.
                logger.LogError(ex, "The {Lane} job lane failed; it tries again shortly", lane);
                await PauseAsync(stoppingToken);
            }
        }
    }

    private async Task ScheduleAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await recurring.EnqueueDueAsync(stoppingToken) > 0)
                {
                    Wake();
                }

                var next = recurring.UntilNextSlot();
                if (next is null)
                {
                    return;
                }

                // Slots are counted on the app's clock, waits on the real one: waking at least every poll keeps a test
                // clock (or a corrected system clock) from stranding the schedule.
                var wait = next.Value < options.Value.PollInterval ? next.Value : options.Value.PollInterval;
                await Task.Delay(wait < TimeSpan.FromMilliseconds(50) ? TimeSpan.FromMilliseconds(50) : wait, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Enqueueing recurring jobs failed; it tries again shortly");
                await PauseAsync(stoppingToken);
            }
        }
    }

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, _) => Wake();
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                // Whatever was enqueued while this node was not listening.
                Wake();
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Lanes still poll meanwhile; only the prompt start of new jobs waits for the reconnection.
                logger.LogWarning(ex, "The job scheduler's LISTEN connection was lost; reconnecting");
                await PauseAsync(stoppingToken);
            }
        }
    }

    private async Task PauseAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(options.Value.PollInterval, stoppingToken);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
