using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Monfri.Application.Common.Live;

namespace Monfri.Web.Live;

/// <summary>
/// /hubs/live — the live feed for clients outside the app (wallboards, scripts, tests). Connect with the
/// cookie or an API token (<c>?access_token=</c>), call <c>Subscribe(topic)</c>, receive <c>update</c>
/// messages. Blazor components read the feed directly; the server never connects to its own hub.
/// </summary>
[Authorize]
public sealed class LiveHub : Hub
{
    public const string Path = "/hubs/live";
    public const string UpdateMethod = "update";

    public async Task Subscribe(string topic)
    {
        if (!LiveTopics.IsValid(topic))
        {
            throw new HubException($"'{topic}' is not a live topic.");
        }

        if (!LiveTopics.CanRead(Context.User!, topic))
        {
            throw new HubException($"You may not follow '{topic}'.");
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, topic);
    }

    public Task Unsubscribe(string topic) => Groups.RemoveFromGroupAsync(Context.ConnectionId, topic);
}
