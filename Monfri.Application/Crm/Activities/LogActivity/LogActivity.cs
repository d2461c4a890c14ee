using Mediator;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Common.Text;
using Monfri.Application.Crm.Common;
using Monfri.Domain.Common;
using Monfri.Domain.Crm;

namespace Monfri.Application.Crm.Activities.LogActivity;

/// <summary>
/// Logs a note, call, meeting or task on a contact, company and/or deal. A task's assignee defaults to the
/// person logging it. The body is rich text and is sanitized before it is stored.
/// </summary>
// An activity on a deal additionally needs Permission.EditDeals, checked below.
[RequiresPermission(Permission.LogActivities)]
public sealed record LogActivityCommand(
    ActivityType Type,
    string Subject,
    string? Body,
    Guid? PersonId,
    Guid? CompanyId,
    Guid? DealId,
    DateTimeOffset? OccurredAt = null,
    DateTimeOffset? DueAt = null,
    Guid? AssigneeId = null) : ICommand<Result<ActivityDto>>, IActivityInput;

public sealed class LogActivityHandler(
    IMonfriDbFactory dbFactory,
    CrmAccess access,
    ICurrentUser currentUser,
    TimeProvider clock) : ICommandHandler<LogActivityCommand, Result<ActivityDto>>
{
    public async ValueTask<Result<ActivityDto>> Handle(LogActivityCommand command, CancellationToken cancellationToken)
    {
        if (command.DealId is not null && !access.CanEditDeals)
        {
            return Result<ActivityDto>.Forbidden(ActivityRules.DealRoleMessage);
        }

        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var records = await ActivityRules.LoadRecordsAsync(db, access, command.PersonId, command.CompanyId, command.DealId, cancellationToken);
        if (!records.IsSuccess)
        {
            return Result<ActivityDto>.From(records);
        }

        var isTask = command.Type == ActivityType.Task;
        var assigneeId = isTask ? command.AssigneeId ?? currentUser.Id : null;
        if (await ActivityRules.CheckAssigneeAsync(db, assigneeId, cancellationToken) is { } assigneeError)
        {
            return Result<ActivityDto>.Invalid(assigneeError);
        }

        var now = clock.GetUtcNow();
        var activity = Activity.Log(
            new ActivityDetails(command.Type, command.Subject, RichText.Sanitize(command.Body), command.PersonId, command.CompanyId,
                command.DealId, command.OccurredAt, command.DueAt, assigneeId),
            currentUser.Id,
            now);
        db.Activities.Add(activity);
        // A call logged afterwards counts when it happened; a task planned for next week counts now.
        var touchedAt = activity.OccurredAt < now ? activity.OccurredAt : now;
        records.Value.Touch(touchedAt);
        await ActivityRules.SaveTouchingAsync(db, records.Value, touchedAt, cancellationToken);

        return await ActivityReader.ToDtoAsync(db, activity, currentUser, cancellationToken);
    }
}
