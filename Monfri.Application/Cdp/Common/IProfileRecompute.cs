namespace Monfri.Application.Cdp.Common;

/// <summary>
/// Recomputes what is derived from a profile's events and traits after they changed hands wholesale (an undone
/// merge). The seam where computed traits plug in; until they exist, nothing is derived and there is nothing to do.
/// </summary>
public interface IProfileRecompute
{
    Task RecomputeAsync(IReadOnlyCollection<Guid> personIds, CancellationToken cancellationToken);
}

/// <summary>The default while no profile data is derived: every profile is already up to date.</summary>
internal sealed class NothingDerivedToRecompute : IProfileRecompute
{
    public Task RecomputeAsync(IReadOnlyCollection<Guid> personIds, CancellationToken cancellationToken) => Task.CompletedTask;
}
