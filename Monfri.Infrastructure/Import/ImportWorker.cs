using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Monfri.Infrastructure.Import;

/// <summary>
/// The background import workers of this process (<see cref="ImportOptions.Workers"/> of them). Each claims one
/// job at a time through <see cref="ImportRunner"/>; every Monfri process runs the same workers, and the claim
/// keeps them from taking the same job.
/// </summary>
internal sealed class ImportWorker(ImportRunner runner, ImportSignal signal, IOptions<ImportOptions> options, ILogger<ImportWorker> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Math.Max(1, options.Value.Workers)).Select(_ => LoopAsync(stoppingToken)));

    private async Task LoopAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!await runner.RunNextAsync(stoppingToken))
                {
                    await signal.WaitAsync(options.Value.PollInterval, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The database may be restarting: pause and try again rather than stop importing for good.
                logger.LogError(ex, "The import worker failed; it tries again shortly");
                try
                {
                    await Task.Delay(options.Value.PollInterval, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
