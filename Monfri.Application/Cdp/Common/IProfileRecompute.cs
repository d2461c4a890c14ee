namespace Monfri.Application.Cdp.Common;

/// <summary>
/// Recomputes what is derived from a profile's events and traits after they changed hands wholesale (an undone
/// merge). Computed traits and built-in stats are rebuilt from the events (Infrastructure/Traits).
/// </summary>
public interface IProfileRecompute
{
    Task RecomputeAsync(IReadOnlyCollection<Guid> personIds, CancellationToken cancellationToken);
}
