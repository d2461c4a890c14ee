using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Roles = Monfri.Domain.Common.Roles;

namespace Monfri.Application.Users.ListUserRefs;

/// <summary>Active users by name, for owner and assignee pickers (everyone may pick a colleague).</summary>
[RequiresPermission(Permission.ViewContacts)]
public sealed record ListUserRefsQuery : IQuery<Result<IReadOnlyList<UserRef>>>;

public sealed class ListUserRefsHandler(IMonfriDbFactory dbFactory) : IQueryHandler<ListUserRefsQuery, Result<IReadOnlyList<UserRef>>>
{
    public async ValueTask<Result<IReadOnlyList<UserRef>>> Handle(ListUserRefsQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        return await db.UserRefs.Where(u => u.IsActive).OrderBy(u => u.DisplayName).ToListAsync(cancellationToken);
    }
}
