using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Monfri.Infrastructure.Privacy;

/// <summary>
/// The background worker that runs privacy requests, one at a time per process (they are rare; one erasure must
/// not compete with another for the same rows). Every Monfri process runs one; the claim keeps them apart.
/// </summary>
internal sealed class PrivacyWorker(PrivacyRunner runner, PrivacySignal signal, ILogger<PrivacyWorker> logger) : BackgroundService
{
    /// <summary>How often the worker looks for requests queued on other nodes (local ones wake it at once).</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!await runner.RunNextAsync(stoppingToken))
                {
                    await signal.WaitAsync(PollInterval, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The database may be restarting: pause and try again rather than stop for good.
                logger.LogError(ex, "The privacy worker failed; it tries again shortly");
                try
                {
                    await Task.Delay(PollInterval, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
