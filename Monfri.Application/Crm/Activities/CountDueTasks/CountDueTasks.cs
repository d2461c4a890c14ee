using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Common;
using Monfri.Domain.Crm;

namespace Monfri.Application.Crm.Activities.CountDueTasks;

/// <summary>How many of the current user's open tasks are due now or overdue (the app bar's badge).</summary>
[RequiresPermission(Permission.ViewActivities)]
public sealed record CountDueTasksQuery : IQuery<Result<int>>;

public sealed class CountDueTasksHandler(IMonfriDbFactory dbFactory, ICurrentUser currentUser, TimeProvider clock)
    : IQueryHandler<CountDueTasksQuery, Result<int>>
{
    public async ValueTask<Result<int>> Handle(CountDueTasksQuery query, CancellationToken cancellationToken)
    {
        if (currentUser.Id is not { } me)
        {
            return Result<int>.Unauthorized("Sign in to see your tasks.");
        }

        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        // Matches the partial index on (assignee_id, due_at) for open tasks.
        return await db.Activities.CountAsync(
            a => a.Type == ActivityType.Task && a.CompletedAt == null && a.AssigneeId == me && a.DueAt <= now,
            cancellationToken);
    }
}
