using Monfri.Domain.Common;

namespace Monfri.Domain.Crm;

/// <summary>Where an activity sits: its contact, its deal and (tasks) its assignee, each optional.</summary>
public readonly record struct ActivityPlace(Guid? PersonId, Guid? DealId, Guid? AssigneeId);

/// <summary>A note, call, meeting, email or task was logged.</summary>
public sealed record ActivityLogged(Guid ActivityId, ActivityType Type, ActivityPlace Place, DateTimeOffset OccurredAt) : IDomainEvent;

/// <summary>An activity was edited; it may have moved to another contact, deal or assignee (<see cref="Before"/>).</summary>
public sealed record ActivityUpdated(Guid ActivityId, ActivityPlace Before, ActivityPlace Place, DateTimeOffset OccurredAt) : IDomainEvent;

/// <summary>An activity was deleted from where it sat.</summary>
public sealed record ActivityDeleted(Guid ActivityId, ActivityPlace Place, DateTimeOffset OccurredAt) : IDomainEvent;

/// <summary>A task was ticked off.</summary>
public sealed record TaskCompleted(Guid ActivityId, ActivityPlace Place, DateTimeOffset OccurredAt) : IDomainEvent;

/// <summary>A completed task was opened again.</summary>
public sealed record TaskReopened(Guid ActivityId, ActivityPlace Place, DateTimeOffset OccurredAt) : IDomainEvent;
