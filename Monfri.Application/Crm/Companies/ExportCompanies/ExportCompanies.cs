using System.Runtime.CompilerServices;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Paging;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Domain.Crm;
using Monfri.Application.Crm.Companies.ListCompanies;

namespace Monfri.Application.Crm.Companies.ExportCompanies;

/// <summary>
/// The companies list as a whole, with the list's filters and sort (the CSV export): what
/// <see cref="ListCompaniesQuery"/> pages through, in one query, so the export is authorized and validated like the list
/// and reads nothing outside the pipeline.
/// </summary>
[RequiresPermission(Permission.ViewContacts)]
public sealed record ExportCompaniesQuery(CompanyFilter Filter, string? SortBy = null, SortDirection Direction = SortDirection.Ascending)
    : IQuery<Result<ListExport<CompanyListItem>>>;

/// <summary>The list's own rules (sort fields, filter ranges), not a copy of them.</summary>
public sealed class ExportCompaniesValidator : AbstractValidator<ExportCompaniesQuery>
{
    private static readonly ListCompaniesValidator List = new();

    public ExportCompaniesValidator() =>
        RuleFor(q => q).Custom((query, context) =>
        {
            foreach (var failure in List.Validate(new ListCompaniesQuery(query.Filter, query.SortBy, query.Direction, 0, 1)).Errors)
            {
                context.AddFailure(failure);
            }
        });
}

public sealed class ExportCompaniesHandler(IMonfriDbFactory dbFactory, CrmAccess access) : IQueryHandler<ExportCompaniesQuery, Result<ListExport<CompanyListItem>>>
{
    public async ValueTask<Result<ListExport<CompanyListItem>>> Handle(ExportCompaniesQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var filtered = await CompanyQueries.FilterAsync(db, access, query.Filter, cancellationToken);
        if (!filtered.IsSuccess)
        {
            return Result<ListExport<CompanyListItem>>.From(filtered);
        }

        var fields = await db.CustomFieldDefinitions.AsNoTracking().Where(f => f.ObjectType == CrmObjectType.Company).OrderBy(f => f.Order).ToListAsync(cancellationToken);
        return new ListExport<CompanyListItem>(fields, RowsAsync(query));
    }

    /// <summary>Read as the caller writes them out, on a unit of work of their own (this handler's is gone by then).</summary>
    private async IAsyncEnumerable<CompanyListItem> RowsAsync(ExportCompaniesQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var filtered = (await CompanyQueries.FilterAsync(db, access, query.Filter, cancellationToken)).Value;
        await foreach (var row in CompanyQueries.Project(db, filtered, query.SortBy, query.Direction).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            yield return row;
        }
    }
}
