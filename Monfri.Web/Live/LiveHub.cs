using System.Collections.Concurrent;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Monfri.Application.Common.Live;

namespace Monfri.Web.Live;

/// <summary>
/// /hubs/live — the live feed for clients outside the app (wallboards, scripts, tests). Connect with the
/// cookie or an API token (<c>?access_token=</c>), call <c>Subscribe(topic)</c> (answers
/// <c>{ subscribed, error }</c>), receive <c>update</c> messages. Blazor components read the feed directly; the server never connects to its own hub.
/// Each subscription is the connection's own feed subscription, so the same rules decide what a hub client
/// and a screen receive — a rep limited to their own records never gets another rep's deal here either.
/// </summary>
[Authorize]
public sealed class LiveHub(ILiveFeed feed, ILiveAudience audience, LiveHubSubscriptions subscriptions, IHubContext<LiveHub> hub, ILogger<LiveHub> logger) : Hub
{
    public const string Path = "/hubs/live";
    public const string UpdateMethod = "update";

    /// <summary>
    /// Follows <paramref name="topic"/>. A refusal (a topic that does not exist or that this user may not read)
    /// is the client's mistake, so it is the answer rather than an exception: SignalR logs every exception a
    /// hub method throws as a server error with its stack trace.
    /// </summary>
    public async Task<LiveSubscribeResult> Subscribe(string topic)
    {
        var connectionId = Context.ConnectionId;
        // A record's topic is followed under the rule that reads it: a rep limited to their own records may not
        // follow a colleague's contact or company (screens only subscribe after reading the record).
        if (LiveTopics.IsValid(topic) && LiveTopics.CanRead(Context.User!, topic) && !await audience.MayFollowAsync(topic, Context.User!, Context.ConnectionAborted))
        {
            return Refused(topic, $"You may not follow '{topic}'.");
        }

        var record = LiveTopics.RecordOf(topic);
        var subscription = feed.Subscribe(topic, Context.User!, async update =>
        {
            await hub.Clients.Client(connectionId).SendAsync(UpdateMethod, update, CancellationToken.None);
            if (record is { } followed && update.Kind == LiveScope.HiddenKind && IdOf(update) == followed.Id)
            {
                // The record went to someone else: this client may no longer follow it, so the subscription ends.
                subscriptions.Remove(connectionId, topic);
            }
        });
        if (!subscription.IsSuccess)
        {
            return Refused(topic, subscription.Status == Application.Common.Results.ResultStatus.Forbidden
                ? $"You may not follow '{topic}'."
                : $"'{topic}' is not a live topic.");
        }

        subscriptions.Add(connectionId, topic, subscription.Value);
        return new LiveSubscribeResult(true, null);
    }

    private LiveSubscribeResult Refused(string topic, string error)
    {
        logger.LogInformation("Live hub subscription to {Topic} refused: {Reason}", topic, error);
        return new LiveSubscribeResult(false, error);
    }

    private static Guid? IdOf(LiveUpdate update) =>
        update.Data.ValueKind == System.Text.Json.JsonValueKind.Object
        && (update.Data.TryGetProperty("id", out var id) || update.Data.TryGetProperty("Id", out id))
        && id.TryGetGuid(out var value) ? value : null;

    public Task Unsubscribe(string topic)
    {
        subscriptions.Remove(Context.ConnectionId, topic);
        return Task.CompletedTask;
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        subscriptions.RemoveAll(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }
}

/// <summary>The answer to <see cref="LiveHub.Subscribe"/>: subscribed, or why not.</summary>
public sealed record LiveSubscribeResult(bool Subscribed, string? Error);

/// <summary>The feed subscriptions of this node's hub connections, ended when a connection unsubscribes or goes away.</summary>
public sealed class LiveHubSubscriptions : IDisposable
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, IDisposable>> _byConnection = new();

    public void Add(string connectionId, string topic, IDisposable subscription)
    {
        var topics = _byConnection.GetOrAdd(connectionId, _ => new ConcurrentDictionary<string, IDisposable>(StringComparer.Ordinal));
        if (!topics.TryAdd(topic, subscription))
        {
            // Already following it: one subscription per topic, so updates are not delivered twice.
            subscription.Dispose();
        }
    }

    public void Remove(string connectionId, string topic)
    {
        if (_byConnection.TryGetValue(connectionId, out var topics) && topics.TryRemove(topic, out var subscription))
        {
            subscription.Dispose();
        }
    }

    public void RemoveAll(string connectionId)
    {
        if (_byConnection.TryRemove(connectionId, out var topics))
        {
            foreach (var subscription in topics.Values)
            {
                subscription.Dispose();
            }
        }
    }

    public void Dispose()
    {
        foreach (var connectionId in _byConnection.Keys)
        {
            RemoveAll(connectionId);
        }
    }
}
