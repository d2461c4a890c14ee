using System.Security.Claims;
using Monfri.Application.Common.Live;
using Monfri.Application.Common.Results;

namespace Monfri.Infrastructure.Live;

/// <summary>
/// Subscription is the same for every transport: authorize the topic, then join this node's fan-out. Each
/// update passes the audience rule on its way to a subscriber, so a record-scoped update reaches only viewers
/// who may see that record (without an audience, every reader of the topic receives everything).
/// </summary>
public abstract class LiveFeedBase(LiveFanout fanout, TimeProvider clock, ILiveAudience? audience = null) : ILiveFeed
{
    protected LiveFanout Fanout => fanout;

    public ValueTask PublishAsync(string topic, string kind, object? data = null, CancellationToken cancellationToken = default) =>
        Publish(topic, kind, data, null, cancellationToken);

    public ValueTask PublishAsync(string topic, string kind, object? data, LiveScope scope, CancellationToken cancellationToken = default) =>
        Publish(topic, kind, data, scope, cancellationToken);

    private ValueTask Publish(string topic, string kind, object? data, LiveScope? scope, CancellationToken cancellationToken)
    {
        if (!LiveTopics.IsValid(topic))
        {
            throw new ArgumentException($"'{topic}' is not a live topic; add it to LiveTopics.", nameof(topic));
        }

        return PublishAsync(new LiveUpdate(topic, kind, LiveJson.ToElement(data), clock.GetUtcNow(), Scope: scope), cancellationToken);
    }

    protected abstract ValueTask PublishAsync(LiveUpdate update, CancellationToken cancellationToken);

    public Result<IDisposable> Subscribe(string topic, ClaimsPrincipal viewer, Func<LiveUpdate, ValueTask> onUpdate)
    {
        if (!LiveTopics.IsValid(topic))
        {
            return Result<IDisposable>.Invalid($"'{topic}' is not a live topic.", nameof(topic));
        }

        if (!LiveTopics.CanRead(viewer, topic))
        {
            return Result<IDisposable>.Forbidden($"You may not follow '{topic}'.");
        }

        return Result<IDisposable>.Success(fanout.Add(topic, audience is null ? onUpdate : update =>
            update.Scope is null ? onUpdate(update)
            : audience.ForViewer(update, viewer) is { } shaped ? onUpdate(shaped)
            : ValueTask.CompletedTask));
    }
}

/// <summary>One node: a publish goes straight to this process's subscribers.</summary>
public sealed class InProcessLiveFeed(LiveFanout fanout, TimeProvider clock, ILiveAudience? audience = null) : LiveFeedBase(fanout, clock, audience)
{
    protected override ValueTask PublishAsync(LiveUpdate update, CancellationToken cancellationToken)
    {
        Fanout.Deliver(update);
        return ValueTask.CompletedTask;
    }
}
