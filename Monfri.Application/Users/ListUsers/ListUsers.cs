using Mediator;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Common;

namespace Monfri.Application.Users.ListUsers;

[RequiresPermission(Permission.ManageUsers)]
public sealed record ListUsersQuery : IQuery<Result<IReadOnlyList<UserDto>>>;

public sealed class ListUsersHandler(IIdentityService identity) : IQueryHandler<ListUsersQuery, Result<IReadOnlyList<UserDto>>>
{
    public async ValueTask<Result<IReadOnlyList<UserDto>>> Handle(ListUsersQuery query, CancellationToken cancellationToken) =>
        Result<IReadOnlyList<UserDto>>.Success(await identity.ListUsersAsync(cancellationToken));
}
