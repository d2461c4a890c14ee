namespace Monfri.Web.Live;

/// <summary>
/// Runs a refresh at most once per interval however many live updates ask for it: during an ingest burst a
/// screen reloads a few times a second instead of once per tick per event. Requests arriving while a refresh
/// is pending are folded into it.
/// </summary>
public sealed class LiveThrottle(TimeSpan interval, Func<Func<Task>, Task> dispatch, Func<Task> refresh, Func<Exception, Task> fail) : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private int _pending;

    public void Request()
    {
        if (Interlocked.Exchange(ref _pending, 1) == 1)
        {
            return;
        }

        _ = RunAsync();
    }

    private async Task RunAsync()
    {
        try
        {
            await Task.Delay(interval, _stop.Token);
            Volatile.Write(ref _pending, 0);
            await dispatch(refresh);
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
            // The component went away while a refresh was waiting.
        }
        catch (Exception ex)
        {
            await fail(ex);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }
}
