using Monfri.Application.Common.Live;
using Monfri.Web.Live;

namespace Monfri.Web.Features.Reports;

/// <summary>
/// A page of report widgets that follows the <c>reports</c> topic (and others, such as <c>visitors</c>): every signal
/// asks for a reload, and signals that arrive while one waits join it, so a burst of moves reloads once, at most a
/// couple of times a second.
/// </summary>
public abstract class ReportsLiveBase : LiveComponentBase
{
    /// <summary>How long a reload waits for more signals to join it.</summary>
    public static readonly TimeSpan Coalesce = TimeSpan.FromMilliseconds(400);

    private int _waiting;

    /// <summary>Whether the page follows the live feed (shown as "Live").</summary>
    protected bool Live { get; private set; }

    /// <summary>Follows each topic the viewer may read; true when at least one is followed.</summary>
    protected async Task FollowReportsAsync(params string[] topics)
    {
        foreach (var topic in topics)
        {
            Live |= await FollowAsync(topic, OnSignalAsync);
        }
    }

    /// <summary>Reloads the numbers from the store.</summary>
    protected abstract Task ReloadAsync();

    private async Task OnSignalAsync(LiveUpdate update)
    {
        if (Interlocked.Exchange(ref _waiting, 1) == 1)
        {
            return;
        }

        await Task.Delay(Coalesce);
        Volatile.Write(ref _waiting, 0);
        await ReloadAsync();
    }
}
