using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Domain.Common;

namespace Monfri.Application.Crm.Activities.CompleteTask;

/// <summary>Ticks a task off (<see cref="Completed"/> true) or reopens it.</summary>
[RequiresPermission(Permission.LogActivities)]
public sealed record CompleteTaskCommand(Guid Id, bool Completed = true) : ICommand<Result<ActivityDto>>;

public sealed class CompleteTaskHandler(
    IMonfriDbFactory dbFactory,
    CrmAccess access,
    ICurrentUser currentUser,
    TimeProvider clock) : ICommandHandler<CompleteTaskCommand, Result<ActivityDto>>
{
    public async ValueTask<Result<ActivityDto>> Handle(CompleteTaskCommand command, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var activity = await db.Activities.FirstOrDefaultAsync(a => a.Id == command.Id, cancellationToken);
        if (activity is null || !await ActivityRules.CanSeeAsync(db, access, activity, cancellationToken))
        {
            return Result<ActivityDto>.NotFound("That task does not exist or is not visible to you.");
        }

        if (!activity.IsTask)
        {
            return Result<ActivityDto>.Invalid("Only tasks can be completed.");
        }

        if (!ActivityRules.MayEdit(activity, currentUser))
        {
            return Result<ActivityDto>.Forbidden("Only its assignee, its author, a manager or an admin can complete this task.");
        }

        // A task is its assignee's to finish, whatever record it sits on.
        if (activity.DealId is not null && activity.AssigneeId != currentUser.Id && !access.CanEditDeals)
        {
            return Result<ActivityDto>.Forbidden(ActivityRules.DealRoleMessage);
        }

        activity.Complete(command.Completed, clock.GetUtcNow());
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Result<ActivityDto>.Conflict("Someone else changed this task meanwhile. Reload and try again.");
        }

        return await ActivityReader.ToDtoAsync(db, activity, currentUser, cancellationToken);
    }
}
