using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Domain.Common;

namespace Monfri.Application.Crm.Activities.DeleteActivity;

/// <summary>Removes an activity from every timeline. Its author, managers and admins may delete it.</summary>
// An activity on a deal additionally needs Permission.EditDeals, checked below.
[RequiresPermission(Permission.LogActivities)]
public sealed record DeleteActivityCommand(Guid Id) : ICommand<Result>;

public sealed class DeleteActivityHandler(IMonfriDbFactory dbFactory, CrmAccess access, ICurrentUser currentUser, TimeProvider clock)
    : ICommandHandler<DeleteActivityCommand, Result>
{
    public async ValueTask<Result> Handle(DeleteActivityCommand command, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var activity = await db.Activities.FirstOrDefaultAsync(a => a.Id == command.Id, cancellationToken);
        if (activity is null || !await ActivityRules.CanSeeAsync(db, access, activity, cancellationToken))
        {
            return Result.NotFound("That activity does not exist or is not visible to you.");
        }

        if (!ActivityRules.MayDelete(activity, currentUser))
        {
            return Result.Forbidden("Only its author, a manager or an admin can delete this activity.");
        }

        if (activity.DealId is not null && !access.CanEditDeals)
        {
            return Result.Forbidden(ActivityRules.DealRoleMessage);
        }

        activity.Delete(clock.GetUtcNow());
        db.Activities.Remove(activity);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Deleted (or changed) by someone else a moment ago; deleting what is gone is not an error worth showing.
            return Result.Success();
        }

        return Result.Success();
    }
}
