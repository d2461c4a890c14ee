using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Common.Text;
using Monfri.Application.Crm.Common;
using Monfri.Domain.Common;
using Monfri.Domain.Crm;

namespace Monfri.Application.Crm.Activities.UpdateActivity;

/// <summary>
/// Edits an activity (its type stays). Its author, a task's assignee, managers and admins may edit.
/// <see cref="Version"/> is the version the editor started from: a save over someone else's newer change is a conflict.
/// </summary>
// An activity on a deal additionally needs Permission.EditDeals, checked below.
[RequiresPermission(Permission.LogActivities)]
public sealed record UpdateActivityCommand(
    Guid Id,
    string Subject,
    string? Body,
    Guid? PersonId,
    Guid? CompanyId,
    Guid? DealId,
    DateTimeOffset? OccurredAt,
    DateTimeOffset? DueAt,
    Guid? AssigneeId,
    uint Version) : ICommand<Result<ActivityDto>>, IActivityInput;

public sealed class UpdateActivityHandler(
    IMonfriDbFactory dbFactory,
    CrmAccess access,
    ICurrentUser currentUser,
    TimeProvider clock) : ICommandHandler<UpdateActivityCommand, Result<ActivityDto>>
{
    public async ValueTask<Result<ActivityDto>> Handle(UpdateActivityCommand command, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var activity = await db.Activities.FirstOrDefaultAsync(a => a.Id == command.Id, cancellationToken);
        if (activity is null || !await ActivityRules.CanSeeAsync(db, access, activity, cancellationToken))
        {
            return Result<ActivityDto>.NotFound("That activity does not exist or is not visible to you.");
        }

        if (!ActivityRules.MayEdit(activity, currentUser))
        {
            return Result<ActivityDto>.Forbidden("Only its author, its assignee, a manager or an admin can edit this activity.");
        }

        if ((activity.DealId is not null || command.DealId is not null) && !access.CanEditDeals)
        {
            return Result<ActivityDto>.Forbidden(ActivityRules.DealRoleMessage);
        }

        if (activity.Version != command.Version)
        {
            return Conflict();
        }

        if (activity.IsTask && command.DueAt is null)
        {
            return Result<ActivityDto>.Invalid("Give the task a due date.", nameof(command.DueAt));
        }

        var records = await ActivityRules.LoadRecordsAsync(db, access, command.PersonId, command.CompanyId, command.DealId, cancellationToken);
        if (!records.IsSuccess)
        {
            return Result<ActivityDto>.From(records);
        }

        var assigneeId = activity.IsTask ? command.AssigneeId ?? activity.AssigneeId ?? currentUser.Id : null;
        if (assigneeId != activity.AssigneeId && await ActivityRules.CheckAssigneeAsync(db, assigneeId, cancellationToken) is { } assigneeError)
        {
            return Result<ActivityDto>.Invalid(assigneeError);
        }

        activity.Update(
            new ActivityDetails(activity.Type, command.Subject, RichText.Sanitize(command.Body), command.PersonId, command.CompanyId,
                // A task sits on the timeline at its due time unless told otherwise; other kinds keep their time.
                command.DealId, activity.IsTask ? command.OccurredAt : command.OccurredAt ?? activity.OccurredAt, command.DueAt, assigneeId),
            clock.GetUtcNow());
        // The check above saw the version we read; this one covers a save that lands between read and write.
        db.Activities.Entry(activity).Property(a => a.Version).OriginalValue = command.Version;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Conflict();
        }

        return await ActivityReader.ToDtoAsync(db, activity, currentUser, cancellationToken);
    }

    private static Result<ActivityDto> Conflict() =>
        Result<ActivityDto>.Conflict("Someone else changed this activity meanwhile. Reload it and make your change again.");
}

public sealed class UpdateActivityValidator : FluentValidation.AbstractValidator<UpdateActivityCommand>
{
    public UpdateActivityValidator() => Include(new ActivityInputValidator());
}
