using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Monfri.Application.Common.Live;

namespace Monfri.Web.Live;

/// <summary>
/// Base for components that follow live topics. <see cref="FollowAsync"/> subscribes (call it once, after
/// first render); updates arrive on the component's dispatcher through InvokeAsync, failures go to the
/// error boundary through DispatchExceptionAsync, and every subscription ends when the component is disposed.
/// </summary>
public abstract class LiveComponentBase : ComponentBase, IDisposable
{
    private readonly List<IDisposable> _subscriptions = [];

    [Inject] private ILiveFeed LiveFeed { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState>? AuthenticationState { get; set; }

    /// <summary>Follows <paramref name="topic"/>; false when the user may not read it.</summary>
    protected async Task<bool> FollowAsync(string topic, Func<LiveUpdate, Task> onUpdate)
    {
        if (AuthenticationState is null)
        {
            return false;
        }

        var viewer = (await AuthenticationState).User;
        var subscription = LiveFeed.Subscribe(topic, viewer, update => new ValueTask(InvokeAsync(async () =>
        {
            try
            {
                await onUpdate(update);
                StateHasChanged();
            }
            catch (Exception ex)
            {
                await DispatchExceptionAsync(ex);
            }
        })));
        if (!subscription.IsSuccess)
        {
            return false;
        }

        _subscriptions.Add(subscription.Value);
        return true;
    }

    public void Dispose()
    {
        foreach (var subscription in _subscriptions)
        {
            subscription.Dispose();
        }

        _subscriptions.Clear();
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }
}
