namespace Monfri.Infrastructure.Privacy;

/// <summary>Wakes this process's privacy worker when a request is queued here, so it does not wait for the next poll.</summary>
internal sealed class PrivacySignal
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
