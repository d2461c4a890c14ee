using Monfri.Domain.Common;

namespace Monfri.Domain.Segments;

/// <summary>
/// People entered or left a segment (one event per segment per evaluation, not one per person: the segment worker
/// moves people in batches, like ingest). Raised by the segment engine after the membership change has committed,
/// to <c>IDomainEventHandler</c>s — live screens, and the signal automations trigger on. The durable record of the
/// same change is <c>segment_membership_changes</c>, written in the change's own transaction.
/// </summary>
/// <param name="Reason">Why it was evaluated: "data changed", "time window", "defined", "redefined", "added by hand" …</param>
public sealed record SegmentMembershipChanged(
    Guid SegmentId,
    IReadOnlyList<Guid> Entered,
    IReadOnlyList<Guid> Left,
    int MemberCount,
    string Reason,
    DateTimeOffset OccurredAt) : IDomainEvent
{
    /// <summary>What a person's timeline calls entering a segment.</summary>
    public const string EnteredName = "Segment Entered";

    /// <summary>What a person's timeline calls leaving a segment.</summary>
    public const string ExitedName = "Segment Exited";
}
