using Monfri.Application.Common.Events;
using Monfri.Application.Common.Live;
using Monfri.Application.Common.Persistence;
using Monfri.Domain.Crm;

namespace Monfri.Application.Crm.Activities;

/// <summary>
/// Tells open screens of committed activity changes: the assignee's task list (<see cref="TaskLiveKinds.Changed"/>
/// on their user topic, before and after a reassignment) and the pages of the people whose timeline shows the
/// activity (<see cref="ActivityLive"/>; after a move, the page it left and the page it joined).
/// </summary>
public sealed class ActivityLiveUpdates(ILiveFeed live, IMonfriDbFactory dbFactory)
    : IDomainEventHandler<ActivityLogged>,
      IDomainEventHandler<ActivityUpdated>,
      IDomainEventHandler<ActivityDeleted>,
      IDomainEventHandler<TaskCompleted>,
      IDomainEventHandler<TaskReopened>
{
    public ValueTask HandleAsync(ActivityLogged domainEvent, CancellationToken cancellationToken) =>
        PublishAsync(domainEvent.ActivityId, ActivityLive.Created, [domainEvent.Place], new { Id = domainEvent.ActivityId }, cancellationToken);

    public ValueTask HandleAsync(ActivityUpdated domainEvent, CancellationToken cancellationToken) =>
        PublishAsync(domainEvent.ActivityId, ActivityLive.Updated, [domainEvent.Before, domainEvent.Place], new { Id = domainEvent.ActivityId }, cancellationToken);

    public ValueTask HandleAsync(ActivityDeleted domainEvent, CancellationToken cancellationToken) =>
        PublishAsync(domainEvent.ActivityId, ActivityLive.Deleted, [domainEvent.Place], new { Id = domainEvent.ActivityId }, cancellationToken);

    public ValueTask HandleAsync(TaskCompleted domainEvent, CancellationToken cancellationToken) =>
        PublishAsync(domainEvent.ActivityId, ActivityLive.Updated, [domainEvent.Place], new { Id = domainEvent.ActivityId, Completed = true }, cancellationToken);

    public ValueTask HandleAsync(TaskReopened domainEvent, CancellationToken cancellationToken) =>
        PublishAsync(domainEvent.ActivityId, ActivityLive.Updated, [domainEvent.Place], new { Id = domainEvent.ActivityId, Completed = false }, cancellationToken);

    /// <param name="places">Where the activity sits now and, after an edit, where it sat before.</param>
    /// <param name="taskNotice">What the assignees' task lists receive.</param>
    private async ValueTask PublishAsync(Guid activityId, string kind, ActivityPlace[] places, object taskNotice, CancellationToken cancellationToken)
    {
        foreach (var assignee in places.Select(p => p.AssigneeId).OfType<Guid>().Distinct())
        {
            await live.PublishAsync(LiveTopics.User(assignee), TaskLiveKinds.Changed, taskNotice, cancellationToken);
        }

        await using var db = await dbFactory.CreateAsync(cancellationToken);
        await live.PublishOnProfilesAsync(db, kind, activityId, places, cancellationToken);
    }
}
