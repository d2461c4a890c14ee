using Monfri.Application.Common.Persistence;

namespace Monfri.Application.Cdp.Traits;

/// <summary>
/// For features that change whose events are whose (undoing a merge, deleting events): rebuilds computed traits
/// and built-in stats from the stored events, or recomputes values from the kept state.
/// </summary>
public interface IComputedTraitMaintenance
{
    /// <summary>Rebuilds every trait's state and value, and the built-in stats, of these people from their events (own transaction).</summary>
    Task RebuildForPeopleAsync(IReadOnlyCollection<Guid> personIds, CancellationToken cancellationToken);

    /// <summary>Recomputes these people's values from the kept daily state (own transaction).</summary>
    Task RecomputeAsync(IReadOnlyCollection<Guid> personIds, CancellationToken cancellationToken);
}

/// <summary>Wakes this node's backfill worker when a trait was created or redefined, instead of waiting for its poll.</summary>
public interface ITraitBackfillSignal
{
    void Wake();
}

/// <summary>
/// The computed-trait statements a use case runs inside its own EF transaction (Infrastructure holds the SQL,
/// the same texts the ingest workers, the backfill and the ageing job run).
/// </summary>
public interface IComputedTraitStore
{
    /// <summary>The same rebuild as <see cref="IComputedTraitMaintenance.RebuildForPeopleAsync"/>, in the caller's transaction on <paramref name="db"/>.</summary>
    Task RebuildInTransactionAsync(IMonfriDb db, IReadOnlyCollection<Guid> personIds, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Drops the kept daily state of a trait whose definition changed (the backfill builds it anew).</summary>
    Task ForgetStateAsync(IMonfriDb db, Guid traitId, CancellationToken cancellationToken);

    /// <summary>Matching events each trait could not use (missing or wrong-typed property), per trait.</summary>
    Task<Dictionary<Guid, long>> SkippedAsync(IMonfriDb db, CancellationToken cancellationToken);

    /// <summary>The identify traits' names that identify calls have sent (recorded by ingest), in order.</summary>
    Task<IReadOnlyList<string>> IdentifyTraitNamesAsync(IMonfriDb db, CancellationToken cancellationToken);
}

public static class ComputedTraitRebuild
{
    /// <summary>Stored events before this were corrected to their arrival time at ingest: the rebuild reads all after it.</summary>
    public static readonly DateTimeOffset AllTime = new(1999, 12, 31, 0, 0, 0, TimeSpan.Zero);
}
