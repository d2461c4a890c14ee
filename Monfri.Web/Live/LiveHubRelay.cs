using Microsoft.AspNetCore.SignalR;
using Monfri.Infrastructure.Live;

namespace Monfri.Web.Live;

/// <summary>Relays every update this node receives to the hub group of its topic (hub subscribers were authorized on joining).</summary>
public sealed class LiveHubRelay(LiveFanout fanout, IHubContext<LiveHub> hub) : IHostedService
{
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = fanout.Add(null, update =>
            new ValueTask(hub.Clients.Group(update.Topic).SendAsync(LiveHub.UpdateMethod, update, CancellationToken.None)));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }
}
