using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Common;

namespace Monfri.Application.Crm.Activities.ListAssignees;

/// <summary>The active users a task can be assigned to, by name (the composer's assignee picker).</summary>
[RequiresPermission(Permission.ViewActivities)]
public sealed record ListAssigneesQuery : IQuery<Result<IReadOnlyList<UserRef>>>;

public sealed class ListAssigneesHandler(IMonfriDbFactory dbFactory) : IQueryHandler<ListAssigneesQuery, Result<IReadOnlyList<UserRef>>>
{
    public async ValueTask<Result<IReadOnlyList<UserRef>>> Handle(ListAssigneesQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var users = await db.UserRefs.Where(u => u.IsActive).OrderBy(u => u.DisplayName).ToListAsync(cancellationToken);
        return users;
    }
}
