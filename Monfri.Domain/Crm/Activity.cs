using System.Text.Json.Serialization;
using Monfri.Domain.Common;

namespace Monfri.Domain.Crm;

// By name in the API and live updates ("Task", not 3): integrations read better and survive reordering.
[JsonConverter(typeof(JsonStringEnumConverter<ActivityType>))]
public enum ActivityType
{
    Note,
    Call,
    Meeting,
    Task,
    Email,
}

/// <summary>
/// Something done or to do with a contact, company and/or deal: a note, call, meeting or task. Shown on the
/// timeline of every record it is attached to. A task has a due date, an assignee and a completion.
/// </summary>
public sealed class Activity : Entity
{
    private Activity()
    {
    }

    public Guid Id { get; private set; }
    public ActivityType Type { get; private set; }
    public string Subject { get; private set; } = "";

    /// <summary>Rich text, already sanitized by the application before it gets here.</summary>
    public string? Body { get; private set; }

    public Guid? PersonId { get; private set; }
    public Guid? CompanyId { get; private set; }
    public Guid? DealId { get; private set; }
    public Guid? CreatedById { get; private set; }
    public DateTimeOffset OccurredAt { get; private set; }
    public DateTimeOffset? DueAt { get; private set; }
    public Guid? AssigneeId { get; private set; }
    public DateTimeOffset? CompletedAt { get; private set; }

    /// <summary>When the "task due" reminder was shown, so it is shown once.</summary>
    public DateTimeOffset? RemindedAt { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public uint Version { get; private set; }

    public bool IsTask => Type == ActivityType.Task;
    public bool IsOverdue(DateTimeOffset now) => IsTask && CompletedAt is null && DueAt < now;

    public static Activity Log(ActivityDetails details, Guid? createdBy, DateTimeOffset now)
    {
        if (details.PersonId is null && details.CompanyId is null && details.DealId is null)
        {
            throw new DomainException("An activity belongs to a contact, a company or a deal.");
        }

        var activity = new Activity { Id = Guid.CreateVersion7(now), CreatedById = createdBy, CreatedAt = now, Type = details.Type };
        activity.Set(details, now);
        activity.Raise(new ActivityLogged(activity.Id, activity.Type, activity.Place, now));
        return activity;
    }

    /// <summary>Where the activity sits now (contact, deal, assignee).</summary>
    public ActivityPlace Place => new(PersonId, DealId, AssigneeId);

    /// <summary>An edit: subject, body, times, the records it sits on, the assignee.</summary>
    public void Update(ActivityDetails details, DateTimeOffset now)
    {
        var before = Place;
        Set(details, now);
        Raise(new ActivityUpdated(Id, before, Place, now));
    }

    /// <summary>Marks the activity deleted; the caller then removes it from the store.</summary>
    public void Delete(DateTimeOffset now) => Raise(new ActivityDeleted(Id, Place, now));

    private void Set(ActivityDetails details, DateTimeOffset now)
    {
        Subject = details.Subject.Trim();
        Body = details.Body;
        PersonId = details.PersonId;
        CompanyId = details.CompanyId;
        DealId = details.DealId;
        // Kept in UTC: a time entered on the user's clock arrives with their offset (+01:00), which PostgreSQL's
        // timestamptz refuses to be written with (issue #11: every task due date typed in Berlin failed to save).
        var occurredAt = details.OccurredAt?.ToUniversalTime();
        var dueAt = details.DueAt?.ToUniversalTime();
        OccurredAt = occurredAt ?? (Type == ActivityType.Task ? dueAt ?? now : now);
        DueAt = Type == ActivityType.Task ? dueAt : null;
        AssigneeId = Type == ActivityType.Task ? details.AssigneeId : null;
        if (DueAt is not null && RemindedAt is not null && DueAt > now)
        {
            RemindedAt = null; // moved to later: remind again then
        }

        UpdatedAt = now;
    }

    public void Complete(bool completed, DateTimeOffset now)
    {
        if (!IsTask)
        {
            throw new DomainException("Only tasks are completed.");
        }

        CompletedAt = completed ? CompletedAt ?? now : null;
        UpdatedAt = now;
        Raise(completed ? new TaskCompleted(Id, Place, now) : new TaskReopened(Id, Place, now));
    }

    public void MarkReminded(DateTimeOffset now) => RemindedAt = now;

    public void MoveToPerson(Guid from, Guid to)
    {
        if (PersonId == from)
        {
            PersonId = to;
        }
    }

    public void MoveToCompany(Guid from, Guid to)
    {
        if (CompanyId == from)
        {
            CompanyId = to;
        }
    }
}

public sealed record ActivityDetails(
    ActivityType Type,
    string Subject,
    string? Body,
    Guid? PersonId,
    Guid? CompanyId,
    Guid? DealId,
    DateTimeOffset? OccurredAt,
    DateTimeOffset? DueAt,
    Guid? AssigneeId);
