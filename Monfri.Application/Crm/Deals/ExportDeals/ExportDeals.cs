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
using Monfri.Application.Crm.Deals.ListDeals;


namespace Monfri.Application.Crm.Deals.ExportDeals;

/// <summary>
/// The deals list as a whole, with the list's filters and sort (the CSV export): what
/// <see cref="ListDealsQuery"/> pages through, in one query, so the export is authorized and validated like the list
/// and reads nothing outside the pipeline.
/// </summary>
[RequiresPermission(Permission.ViewDeals)]
public sealed record ExportDealsQuery(DealFilter Filter, string? SortBy = null, SortDirection Direction = SortDirection.Ascending)
    : IQuery<Result<ListExport<DealListItem>>>;

/// <summary>The list's own rules (sort fields, filter ranges), not a copy of them.</summary>
public sealed class ExportDealsValidator : AbstractValidator<ExportDealsQuery>
{
    private static readonly ListDealsValidator List = new();

    public ExportDealsValidator() =>
        RuleFor(q => q).Custom((query, context) =>
        {
            foreach (var failure in List.Validate(new ListDealsQuery(query.Filter, query.SortBy, query.Direction, 0, 1)).Errors)
            {
                context.AddFailure(failure);
            }
        });
}

public sealed class ExportDealsHandler(IMonfriDbFactory dbFactory, CrmAccess access) : IQueryHandler<ExportDealsQuery, Result<ListExport<DealListItem>>>
{
    public async ValueTask<Result<ListExport<DealListItem>>> Handle(ExportDealsQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var filtered = await DealListQueries.FilterAsync(db, access, query.Filter, cancellationToken);
        if (!filtered.IsSuccess)
        {
            return Result<ListExport<DealListItem>>.From(filtered);
        }

        var fields = await db.CustomFieldDefinitions.AsNoTracking().Where(f => f.ObjectType == CrmObjectType.Deal).OrderBy(f => f.Order).ToListAsync(cancellationToken);
        return new ListExport<DealListItem>(fields, RowsAsync(query));
    }

    /// <summary>Read as the caller writes them out, on a unit of work of their own (this handler's is gone by then).</summary>
    private async IAsyncEnumerable<DealListItem> RowsAsync(ExportDealsQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var filtered = (await DealListQueries.FilterAsync(db, access, query.Filter, cancellationToken)).Value;
        await foreach (var row in DealListQueries.Project(db, filtered, query.SortBy, query.Direction).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            yield return row;
        }
    }
}
