using System.Collections.Immutable;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Monfri.Application.Common.Live;

namespace Monfri.Infrastructure.Live;

/// <summary>
/// Hands updates to this node's subscribers. Each subscriber has its own bounded queue and a single
/// reader, so updates arrive in publish order, a slow screen never holds up the publisher or other
/// screens, and a stalled one loses its oldest updates rather than growing without bound.
/// </summary>
public sealed class LiveFanout(ILogger<LiveFanout> logger)
{
    private const int QueueCapacity = 1024;
    private readonly Lock _gate = new();
    private ImmutableDictionary<string, ImmutableArray<Subscriber>> _byTopic = ImmutableDictionary<string, ImmutableArray<Subscriber>>.Empty;
    private ImmutableArray<Subscriber> _everything = [];

    /// <summary>Subscribes to one topic, or to every topic when <paramref name="topic"/> is null (relays).</summary>
    public IDisposable Add(string? topic, Func<LiveUpdate, ValueTask> onUpdate)
    {
        var subscriber = new Subscriber(this, topic, onUpdate, logger);
        lock (_gate)
        {
            if (topic is null)
            {
                _everything = _everything.Add(subscriber);
            }
            else
            {
                _byTopic = _byTopic.SetItem(topic, _byTopic.GetValueOrDefault(topic, []).Add(subscriber));
            }
        }

        return subscriber;
    }

    public int SubscriberCount(string topic) => _byTopic.GetValueOrDefault(topic, []).Length;

    public void Deliver(LiveUpdate update)
    {
        foreach (var subscriber in _byTopic.GetValueOrDefault(update.Topic, []))
        {
            subscriber.Enqueue(update);
        }

        foreach (var subscriber in _everything)
        {
            subscriber.Enqueue(update);
        }
    }

    private void Remove(Subscriber subscriber)
    {
        lock (_gate)
        {
            if (subscriber.Topic is null)
            {
                _everything = _everything.Remove(subscriber);
            }
            else if (_byTopic.TryGetValue(subscriber.Topic, out var list))
            {
                list = list.Remove(subscriber);
                _byTopic = list.IsEmpty ? _byTopic.Remove(subscriber.Topic) : _byTopic.SetItem(subscriber.Topic, list);
            }
        }
    }

    private sealed class Subscriber : IDisposable
    {
        private readonly LiveFanout _owner;
        private readonly Func<LiveUpdate, ValueTask> _onUpdate;
        private readonly ILogger _logger;
        private readonly Channel<LiveUpdate> _queue = Channel.CreateBounded<LiveUpdate>(
            new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest });

        public Subscriber(LiveFanout owner, string? topic, Func<LiveUpdate, ValueTask> onUpdate, ILogger logger)
        {
            _owner = owner;
            Topic = topic;
            _onUpdate = onUpdate;
            _logger = logger;
            _ = PumpAsync();
        }

        public string? Topic { get; }

        public void Enqueue(LiveUpdate update) => _queue.Writer.TryWrite(update);

        public void Dispose()
        {
            _owner.Remove(this);
            _queue.Writer.TryComplete();
        }

        private async Task PumpAsync()
        {
            await foreach (var update in _queue.Reader.ReadAllAsync())
            {
                try
                {
                    await _onUpdate(update);
                }
                catch (Exception ex)
                {
                    // A subscriber's failure is its own (Blazor routes it to the circuit); the feed goes on.
                    _logger.LogWarning(ex, "A live subscriber of {Topic} failed on {Kind}", update.Topic, update.Kind);
                }
            }
        }
    }
}
