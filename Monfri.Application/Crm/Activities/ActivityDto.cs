using Monfri.Domain.Crm;

namespace Monfri.Application.Crm.Activities;

/// <summary>
/// One activity as timelines and task lists show it: the activity itself plus the names of the people
/// and records it refers to, so a screen needs no second lookup.
/// </summary>
public sealed record ActivityDto(
    Guid Id,
    ActivityType Type,
    string Subject,
    string? Body,
    Guid? PersonId,
    string? PersonName,
    Guid? CompanyId,
    string? CompanyName,
    Guid? DealId,
    string? DealName,
    Guid? CreatedById,
    string? AuthorName,
    DateTimeOffset OccurredAt,
    DateTimeOffset? DueAt,
    Guid? AssigneeId,
    string? AssigneeName,
    DateTimeOffset? CompletedAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    uint Version)
{
    public bool IsTask => Type == ActivityType.Task;

    public bool IsCompleted => CompletedAt is not null;

    public bool IsOverdue(DateTimeOffset now) => IsTask && CompletedAt is null && DueAt < now;

    /// <summary>Whether the user who asked may edit it (<see cref="ActivityRules.MayUpdate"/>): screens show the button from this.</summary>
    public bool CanEdit { get; init; }

    /// <summary>Whether the user who asked may tick this task done or open again (<see cref="ActivityRules.MayComplete"/>).</summary>
    public bool CanComplete { get; init; }

    /// <summary>Whether the user who asked may remove it (<see cref="ActivityRules.MayRemove"/>).</summary>
    public bool CanDelete { get; init; }
}

/// <summary>
/// One page of a timeline, newest first. <see cref="NextCursor"/> continues after the last item
/// (keyset paging: a new activity logged meanwhile does not shift or repeat items); null on the last page.
/// <see cref="CanLog"/>: whether the user who asked may log an activity on this record (the composer shows from it).
/// </summary>
public sealed record TimelinePage(IReadOnlyList<ActivityDto> Items, string? NextCursor, bool CanLog);

/// <summary>The current user's tasks, grouped as the "My tasks" page shows them.</summary>
public sealed record MyTaskGroups(
    IReadOnlyList<ActivityDto> Overdue,
    IReadOnlyList<ActivityDto> Today,
    IReadOnlyList<ActivityDto> Upcoming,
    IReadOnlyList<ActivityDto> Completed);

/// <summary>
/// Published as <c>task.due</c> on the assignee's user topic when a task's due time has passed
/// (once per task; moving the due time later arms it again).
/// </summary>
public sealed record TaskDueNotice(
    Guid ActivityId,
    string Subject,
    DateTimeOffset DueAt,
    Guid? PersonId,
    Guid? CompanyId,
    Guid? DealId,
    string? RecordName);

/// <summary>Kinds published on a user's topic about their tasks.</summary>
public static class TaskLiveKinds
{
    /// <summary>A task of this user fell due (data: <see cref="TaskDueNotice"/>).</summary>
    public const string Due = "task.due";

    /// <summary>A task assigned to this user was added, changed, completed, reopened or deleted.</summary>
    public const string Changed = "task.changed";
}
