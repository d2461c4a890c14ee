using System.Security.Claims;
using Monfri.Application.Common.Live;
using Monfri.Application.Common.Results;

namespace Monfri.Infrastructure.Live;

/// <summary>Subscription is the same for every transport: authorize the topic, then join this node's fan-out.</summary>
public abstract class LiveFeedBase(LiveFanout fanout, TimeProvider clock) : ILiveFeed
{
    protected LiveFanout Fanout => fanout;

    public ValueTask PublishAsync(string topic, string kind, object? data = null, CancellationToken cancellationToken = default)
    {
        if (!LiveTopics.IsValid(topic))
        {
            throw new ArgumentException($"'{topic}' is not a live topic; add it to LiveTopics.", nameof(topic));
        }

        return PublishAsync(new LiveUpdate(topic, kind, LiveJson.ToElement(data), clock.GetUtcNow()), cancellationToken);
    }

    protected abstract ValueTask PublishAsync(LiveUpdate update, CancellationToken cancellationToken);

    public Result<IDisposable> Subscribe(string topic, ClaimsPrincipal viewer, Func<LiveUpdate, ValueTask> onUpdate)
    {
        if (!LiveTopics.IsValid(topic))
        {
            return Result<IDisposable>.Invalid($"'{topic}' is not a live topic.", nameof(topic));
        }

        return LiveTopics.CanRead(viewer, topic)
            ? Result<IDisposable>.Success(fanout.Add(topic, onUpdate))
            : Result<IDisposable>.Forbidden($"You may not follow '{topic}'.");
    }
}

/// <summary>One node: a publish goes straight to this process's subscribers.</summary>
public sealed class InProcessLiveFeed(LiveFanout fanout, TimeProvider clock) : LiveFeedBase(fanout, clock)
{
    protected override ValueTask PublishAsync(LiveUpdate update, CancellationToken cancellationToken)
    {
        Fanout.Deliver(update);
        return ValueTask.CompletedTask;
    }
}
