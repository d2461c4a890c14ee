using Microsoft.AspNetCore.Components.Server.Circuits;

namespace Monfri.Web.Live;

/// <summary>
/// Tells a circuit's live screens that the browser came back after losing its connection. Updates published
/// meanwhile may be missing on screen (the browser, or another node's feed, was away), so screens that follow
/// the feed reload their state (DESIGN.md §4).
/// </summary>
public sealed class CircuitReconnects : CircuitHandler
{
    private bool _wasDown;

    /// <summary>Raised on the circuit's dispatcher context when the connection is back after a drop.</summary>
    public event Func<Task>? Reconnected;

    public override Task OnConnectionDownAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        _wasDown = true;
        return Task.CompletedTask;
    }

    public override async Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        if (!_wasDown)
        {
            return;
        }

        _wasDown = false;
        if (Reconnected is { } handlers)
        {
            foreach (var handler in handlers.GetInvocationList().Cast<Func<Task>>())
            {
                await handler();
            }
        }
    }
}
