namespace Monfri.Infrastructure.Import;

/// <summary>Wakes this process's import workers when an upload is queued here, so they don't wait for the next poll.</summary>
internal sealed class ImportSignal
{
    private readonly SemaphoreSlim _signal = new(0);

    public void Wake()
    {
        if (_signal.CurrentCount == 0)
        {
            _signal.Release();
        }
    }

    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        await _signal.WaitAsync(timeout, cancellationToken);
}
