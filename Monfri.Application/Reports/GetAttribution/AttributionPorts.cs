using Monfri.Application.Cdp.Traits;

namespace Monfri.Application.Reports.GetAttribution;

/// <summary>A person's conversion at a moment (a sign-up, or a won deal they take part in).</summary>
public readonly record struct ConversionPoint(Guid PersonId, DateTimeOffset At);

/// <summary>A marketing touch (<see cref="Touch.Of"/>'s rules) at the moment of the event it was read from.</summary>
public readonly record struct TouchPoint(DateTimeOffset At, Touch Touch);

/// <summary>Reads conversions and the touches before them from the stored events (set-based SQL in Infrastructure).</summary>
public interface IAttributionStore
{
    /// <summary>People whose first <paramref name="eventName"/> event (over all their events, anonymous history included) lies in [start, end), with its moment.</summary>
    Task<IReadOnlyList<ConversionPoint>> FirstEventsAsync(string eventName, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken);

    /// <summary>
    /// For each conversion (same index), the touches of that person in (at − lookback, at], oldest first. A person's
    /// events include those of the anonymous profiles merged into them, so a visit before sign-up counts.
    /// </summary>
    Task<IReadOnlyList<IReadOnlyList<TouchPoint>>> TouchesBeforeAsync(IReadOnlyList<ConversionPoint> conversions, TimeSpan lookback, CancellationToken cancellationToken);

    /// <summary>The most viewed pages (page calls) in [start, end): path and views, most viewed first.</summary>
    Task<IReadOnlyList<PageViews>> TopPagesAsync(DateTimeOffset start, DateTimeOffset end, int limit, CancellationToken cancellationToken);
}

/// <summary>Page views of one path, and by how many people.</summary>
public sealed record PageViews(string Path, long Views, long People);
