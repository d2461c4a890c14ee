using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Crm;
using Roles = Monfri.Domain.Common.Roles;

namespace Monfri.Application.Crm.CustomFields.ListCustomFields;

/// <summary>The custom fields of one record kind (or all), in form order. Everyone reads them: forms need them.</summary>
[RequiresPermission(Permission.ViewContacts)]
public sealed record ListCustomFieldsQuery(CrmObjectType? ObjectType = null) : IQuery<Result<IReadOnlyList<CustomFieldDto>>>;

public sealed class ListCustomFieldsHandler(IMonfriDbFactory dbFactory)
    : IQueryHandler<ListCustomFieldsQuery, Result<IReadOnlyList<CustomFieldDto>>>
{
    public async ValueTask<Result<IReadOnlyList<CustomFieldDto>>> Handle(ListCustomFieldsQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var fields = db.CustomFieldDefinitions.AsNoTracking();
        if (query.ObjectType is { } type)
        {
            fields = fields.Where(f => f.ObjectType == type);
        }

        return await fields.OrderBy(f => f.ObjectType).ThenBy(f => f.Order).ThenBy(f => f.Label)
            .Select(f => new CustomFieldDto(f.Id, f.ObjectType, f.Key, f.Label, f.Type, f.Options, f.Order))
            .ToListAsync(cancellationToken);
    }
}
