using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Monfri.Application.Cdp.Collection;
using Monfri.Application.Cdp.Common;
using Monfri.Application.Common.Live;

namespace Monfri.Infrastructure.Ingestion;

/// <summary>A stored event as the live visitor stream shows it.</summary>
public sealed record VisitorEvent(Guid PersonId, string Type, string? Name, DateTimeOffset Timestamp);

/// <summary>
/// Coalesces the ingest firehose into ticks (DESIGN.md §4): at most one <c>visitors</c> update, one update per
/// touched profile and one per source debugger every <see cref="Tick"/>, however many events arrived. Between
/// ticks only counters and a few samples are kept, so memory stays bounded under any load.
/// </summary>
public sealed class IngestLiveTicker(ILiveFeed feed, ILogger<IngestLiveTicker> logger) : BackgroundService, ISourceDebugFeed
{
    public static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(200);
    private const int Samples = 20;
    private const int MaxProfilesPerTick = 500;
    private const int DebugRing = DebugEvent.KeptPerSource;

    private readonly Lock _gate = new();
    private long _events;
    private List<VisitorEvent> _recent = [];
    private HashSet<Guid> _profiles = [];
    private Dictionary<Guid, List<DebugEvent>> _debug = [];
    private readonly ConcurrentDictionary<Guid, DebugEvent[]> _rings = new();

    /// <summary>Called by workers after their transaction committed.</summary>
    public void Stored(IReadOnlyList<VisitorEvent> events)
    {
        lock (_gate)
        {
            _events += events.Count;
            foreach (var e in events.TakeLast(Samples))
            {
                _recent.Add(e);
            }

            if (_recent.Count > Samples)
            {
                _recent.RemoveRange(0, _recent.Count - Samples);
            }

            foreach (var e in events)
            {
                if (_profiles.Count >= MaxProfilesPerTick)
                {
                    break;
                }

                _profiles.Add(e.PersonId);
            }
        }
    }

    public void Record(Guid sourceId, IReadOnlyList<DebugEvent> events)
    {
        lock (_gate)
        {
            var ring = _rings.GetOrAdd(sourceId, _ => []);
            _rings[sourceId] = [.. events.TakeLast(DebugRing).Reverse(), .. ring.Take(DebugRing - Math.Min(events.Count, DebugRing))];
            var pending = _debug.TryGetValue(sourceId, out var list) ? list : _debug[sourceId] = [];
            pending.AddRange(events.TakeLast(Samples));
            if (pending.Count > Samples)
            {
                pending.RemoveRange(0, pending.Count - Samples);
            }
        }
    }

    public IReadOnlyList<DebugEvent> Recent(Guid sourceId) => _rings.TryGetValue(sourceId, out var ring) ? ring : [];

    /// <summary>
    /// Erases the identifiers from every ring and from the samples not yet published (see
    /// <see cref="DebugEvent.Erase"/>: the person's own rows go, other people's rows that mention them stay with
    /// the identifiers replaced), and tells the open debuggers of those sources to read their rows again. Rings
    /// are per node (each holds what its node collected); the eraser calls this on the node that ran the deletion.
    /// </summary>
    public async Task<int> ForgetAsync(IReadOnlyCollection<string> identifiers, CancellationToken cancellationToken)
    {
        var removed = 0;
        var touched = new List<Guid>();
        lock (_gate)
        {
            // Under the gate so a concurrent Record of the same source cannot put back a ring read before the purge.
            foreach (var (source, ring) in _rings)
            {
                var erased = ring.Select(e => e.Erase(identifiers, Privacy.PrivacyKeys.MinSubstringLength)).ToArray();
                if (erased.Where((e, i) => !ReferenceEquals(e, ring[i])).Any())
                {
                    var kept = erased.OfType<DebugEvent>().ToArray();
                    _rings[source] = kept;
                    removed += ring.Length - kept.Length;
                    touched.Add(source);
                }
            }

            foreach (var pending in _debug.Values)
            {
                var kept = pending.Select(e => e.Erase(identifiers, Privacy.PrivacyKeys.MinSubstringLength)).OfType<DebugEvent>().ToList();
                pending.Clear();
                pending.AddRange(kept);
            }
        }

        foreach (var source in touched)
        {
            await feed.PublishAsync($"source:{source}", SourceDebugLive.Reset, null, cancellationToken);
        }

        return removed;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Tick);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        long count;
        List<VisitorEvent> recent;
        HashSet<Guid> profiles;
        Dictionary<Guid, List<DebugEvent>> debug;
        lock (_gate)
        {
            (count, recent, profiles, debug) = (_events, _recent, _profiles, _debug);
            (_events, _recent, _profiles, _debug) = (0, [], [], []);
        }

        try
        {
            if (count > 0)
            {
                await feed.PublishAsync("visitors", "events.stored", new { count, recent }, cancellationToken);
            }

            foreach (var person in profiles)
            {
                await feed.PublishAsync(LiveTopics.Profile(person), "profile.events", new { personId = person }, cancellationToken);
            }

            foreach (var (source, events) in debug)
            {
                await feed.PublishAsync($"source:{source}", SourceDebugLive.Events, events, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Screens reload on reconnect; a lost tick only delays them.
            logger.LogWarning(ex, "Could not publish ingest live updates");
        }
    }
}
