using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Crm;
using Roles = Monfri.Domain.Common.Roles;

namespace Monfri.Application.Crm.Views.GetListState;

/// <summary>The signed-in user's last state of one list (its filter, sort and columns as the list's JSON), null when they never changed it.</summary>
[RequiresPermission(Permission.ViewContacts)]
public sealed record GetListStateQuery(CrmObjectType ObjectType) : IQuery<Result<string?>>;

public sealed class GetListStateHandler(IMonfriDbFactory dbFactory, ICurrentUser currentUser)
    : IQueryHandler<GetListStateQuery, Result<string?>>
{
    public async ValueTask<Result<string?>> Handle(GetListStateQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        return await db.SavedViews.AsNoTracking()
            .Where(v => v.UserId == currentUser.Id && v.ObjectType == query.ObjectType && v.Name == SavedViewNames.ListState)
            .Select(v => v.Definition)
            .FirstOrDefaultAsync(cancellationToken);
    }
}
