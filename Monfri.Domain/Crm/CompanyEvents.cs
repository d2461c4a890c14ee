using Monfri.Domain.Common;

namespace Monfri.Domain.Crm;

/// <summary>A company was created by hand (imports write in bulk and announce themselves as a job).</summary>
public sealed record CompanyCreated(Guid CompanyId, string Name, Guid? OwnerId, DateTimeOffset OccurredAt) : IDomainEvent;

/// <summary>A company's fields were edited.</summary>
public sealed record CompanyUpdated(Guid CompanyId, Guid? OwnerId, Guid? PreviousOwnerId, DateTimeOffset OccurredAt) : IDomainEvent;

/// <summary>Two companies turned out to be one: <see cref="AbsorbedId"/> is gone, its data is on <see cref="SurvivorId"/>.</summary>
public sealed record CompaniesMerged(Guid SurvivorId, Guid AbsorbedId, DateTimeOffset OccurredAt) : IDomainEvent;
