using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Crm;
using Roles = Monfri.Domain.Common.Roles;

namespace Monfri.Application.Crm.Views.ListSavedViews;

/// <summary>The signed-in user's saved views of one list.</summary>
[RequiresPermission(Permission.ViewContacts)]
public sealed record ListSavedViewsQuery(CrmObjectType ObjectType) : IQuery<Result<IReadOnlyList<SavedViewDto>>>;

public sealed class ListSavedViewsHandler(IMonfriDbFactory dbFactory, ICurrentUser currentUser)
    : IQueryHandler<ListSavedViewsQuery, Result<IReadOnlyList<SavedViewDto>>>
{
    public async ValueTask<Result<IReadOnlyList<SavedViewDto>>> Handle(ListSavedViewsQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        return await db.SavedViews.AsNoTracking()
            .Where(v => v.UserId == currentUser.Id && v.ObjectType == query.ObjectType && !v.Name.StartsWith(SavedViewNames.ReservedPrefix))
            .OrderBy(v => v.Name)
            .Select(v => new SavedViewDto(v.Id, v.ObjectType, v.Name, v.Definition))
            .ToListAsync(cancellationToken);
    }
}
