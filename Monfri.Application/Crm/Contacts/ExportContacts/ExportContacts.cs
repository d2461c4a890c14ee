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
using Monfri.Application.Crm.Contacts.ListContacts;

namespace Monfri.Application.Crm.Contacts.ExportContacts;

/// <summary>
/// The contacts list as a whole, with the list's filters and sort (the CSV export): what
/// <see cref="ListContactsQuery"/> pages through, in one query, so the export is authorized and validated like the list
/// and reads nothing outside the pipeline.
/// </summary>
[RequiresPermission(Permission.ViewContacts)]
public sealed record ExportContactsQuery(ContactFilter Filter, string? SortBy = null, SortDirection Direction = SortDirection.Ascending)
    : IQuery<Result<ListExport<ContactListItem>>>;

/// <summary>The list's own rules (sort fields, filter ranges), not a copy of them.</summary>
public sealed class ExportContactsValidator : AbstractValidator<ExportContactsQuery>
{
    private static readonly ListContactsValidator List = new();

    public ExportContactsValidator() =>
        RuleFor(q => q).Custom((query, context) =>
        {
            foreach (var failure in List.Validate(new ListContactsQuery(query.Filter, query.SortBy, query.Direction, 0, 1)).Errors)
            {
                context.AddFailure(failure);
            }
        });
}

public sealed class ExportContactsHandler(IMonfriDbFactory dbFactory, CrmAccess access) : IQueryHandler<ExportContactsQuery, Result<ListExport<ContactListItem>>>
{
    public async ValueTask<Result<ListExport<ContactListItem>>> Handle(ExportContactsQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var filtered = await ContactQueries.FilterAsync(db, access, query.Filter, cancellationToken);
        if (!filtered.IsSuccess)
        {
            return Result<ListExport<ContactListItem>>.From(filtered);
        }

        var fields = await db.CustomFieldDefinitions.AsNoTracking().Where(f => f.ObjectType == CrmObjectType.Contact).OrderBy(f => f.Order).ToListAsync(cancellationToken);
        return new ListExport<ContactListItem>(fields, RowsAsync(query));
    }

    /// <summary>Read as the caller writes them out, on a unit of work of their own (this handler's is gone by then).</summary>
    private async IAsyncEnumerable<ContactListItem> RowsAsync(ExportContactsQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var filtered = (await ContactQueries.FilterAsync(db, access, query.Filter, cancellationToken)).Value;
        await foreach (var row in ContactQueries.Project(db, filtered, query.SortBy, query.Direction).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            yield return row;
        }
    }
}
