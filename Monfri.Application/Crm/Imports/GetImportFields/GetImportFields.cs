using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Paging;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Crm;


namespace Monfri.Application.Crm.Imports.GetImportFields;

/// <summary>The fields a column of a contacts or companies file can be mapped to (built-in and custom).</summary>
[RequiresPermission(Permission.ViewContacts)]
public sealed record GetImportFieldsQuery(CrmObjectType ObjectType) : IQuery<Result<IReadOnlyList<ImportField>>>;

public sealed class GetImportFieldsHandler(IMonfriDbFactory dbFactory)
    : IQueryHandler<GetImportFieldsQuery, Result<IReadOnlyList<ImportField>>>
{
    public async ValueTask<Result<IReadOnlyList<ImportField>>> Handle(GetImportFieldsQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var definitions = await db.CustomFieldDefinitions.AsNoTracking().Where(d => d.ObjectType == query.ObjectType).ToListAsync(cancellationToken);
        return Result<IReadOnlyList<ImportField>>.Success(ImportFields.For(query.ObjectType, definitions));
    }
}
