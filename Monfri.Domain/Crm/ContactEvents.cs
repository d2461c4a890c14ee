using Monfri.Domain.Common;

namespace Monfri.Domain.Crm;

/// <summary>A contact was created by hand (imports write in bulk and announce themselves as a job).</summary>
public sealed record ContactCreated(Guid PersonId, string DisplayName, Guid? OwnerId, DateTimeOffset OccurredAt) : IDomainEvent;

/// <summary>
/// A contact's fields were edited. Carries the person: its version is known once the change has committed.
/// </summary>
public sealed record ContactUpdated(Person Person, Guid? PreviousOwnerId, DateTimeOffset OccurredAt) : IDomainEvent;

/// <summary>Two contacts turned out to be one person: <see cref="AbsorbedId"/> is gone, its data is on <see cref="SurvivorId"/>.</summary>
public sealed record ContactsMerged(Guid SurvivorId, Guid AbsorbedId, DateTimeOffset OccurredAt) : IDomainEvent;
