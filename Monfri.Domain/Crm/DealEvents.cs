using Monfri.Domain.Common;

namespace Monfri.Domain.Crm;

// Deal events carry the deal itself besides the facts of the change: what screens show of it (its row version above
// all) is only known once the change has committed, and handlers after commit read it from there.

/// <summary>A deal was created in its first stage.</summary>
public sealed record DealCreated(Deal Deal, DateTimeOffset OccurredAt) : IDomainEvent;

/// <summary>
/// A deal's fields changed (an edit, a new owner, a tag). <see cref="PreviousOwnerId"/> and
/// <see cref="PreviousContactIds"/> are what they were before, so whoever lost the deal hears of it too.
/// </summary>
public sealed record DealUpdated(Deal Deal, Guid? PreviousOwnerId, IReadOnlyList<Guid> PreviousContactIds, DateTimeOffset OccurredAt) : IDomainEvent;

/// <summary>
/// A deal was put at a stage and position: another stage, or another place in its column
/// (<see cref="FromStageId"/> = <see cref="ToStageId"/>). <see cref="Status"/> is its status after the move.
/// <see cref="StageRemoved"/>: moved because its stage was deleted, so boards reload the pipeline instead.
/// </summary>
public sealed record DealMoved(Deal Deal, Guid FromStageId, Guid ToStageId, DealStatus Status, bool StageRemoved, DateTimeOffset OccurredAt) : IDomainEvent
{
    public bool ChangedStage => FromStageId != ToStageId;
}

/// <summary>A deal entered its pipeline's Won stage (raised together with <see cref="DealMoved"/>).</summary>
public sealed record DealWon(Guid DealId, decimal? Amount, string Currency, Guid? OwnerId, DateTimeOffset OccurredAt) : IDomainEvent;

/// <summary>A deal entered its pipeline's Lost stage (raised together with <see cref="DealMoved"/>).</summary>
public sealed record DealLost(Guid DealId, string? Reason, Guid? OwnerId, DateTimeOffset OccurredAt) : IDomainEvent;

/// <summary>A deal was deleted; <see cref="ContactIds"/> were its contacts (their links go with it).</summary>
public sealed record DealDeleted(Deal Deal, IReadOnlyList<Guid> ContactIds, DateTimeOffset OccurredAt) : IDomainEvent;
