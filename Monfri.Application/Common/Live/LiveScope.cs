using System.Security.Claims;

namespace Monfri.Application.Common.Live;

/// <summary>
/// Marks an update as being about one owned record, so viewers limited to their own records receive it only
/// when the record is theirs. <see cref="PreviousOwnerId"/> is set when the change took the record away from
/// someone: they receive <see cref="HiddenKind"/> instead, so their screen drops it.
/// </summary>
public sealed record LiveScope(Guid RecordId, Guid? OwnerId, Guid? PreviousOwnerId = null)
{
    /// <summary>What a limited viewer receives when a record of theirs went to someone else (data: <c>{ id }</c>).</summary>
    public const string HiddenKind = "record.hidden";
}

/// <summary>
/// Decides, per viewer and per update, what a subscriber receives: the update, a reduced form of it, or
/// nothing (null). Topics are authorized when subscribing (<see cref="LiveTopics.CanRead"/>); this is the
/// record-level rule on top, applied by the feed to every subscriber — screens and hub clients alike.
/// </summary>
public interface ILiveAudience
{
    LiveUpdate? ForViewer(LiveUpdate update, ClaimsPrincipal viewer);

    /// <summary>
    /// Whether <paramref name="viewer"/> may follow the topic of one record (<c>profile:{id}</c>, <c>company:{id}</c>):
    /// the same rule as reading it. True for every other topic (<see cref="LiveTopics.CanRead"/> decides those).
    /// </summary>
    ValueTask<bool> MayFollowAsync(string topic, ClaimsPrincipal viewer, CancellationToken cancellationToken);
}
