using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Paging;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Crm;


namespace Monfri.Application.Crm.Imports.ListImportIssues;

/// <summary>The rows of an import that were rejected or skipped, in file order, with the reason for each.</summary>
[RequiresPermission(Permission.ViewContacts)]
public sealed record ListImportIssuesQuery(Guid JobId, int PageIndex = 0, int PageSize = 100) : IQuery<Result<Page<ImportIssueDto>>>, IPagedQuery;

public sealed class ListImportIssuesValidator : AbstractValidator<ListImportIssuesQuery>
{
    public ListImportIssuesValidator()
    {
        this.RuleForPaging(maxPageSize: 500);
    }
}

public sealed class ListImportIssuesHandler(IMonfriDbFactory dbFactory, ICurrentUser currentUser)
    : IQueryHandler<ListImportIssuesQuery, Result<Page<ImportIssueDto>>>
{
    public async ValueTask<Result<Page<ImportIssueDto>>> Handle(ListImportIssuesQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        if (!await ImportJobReads.Readable(db, currentUser).AnyAsync(j => j.Id == query.JobId, cancellationToken))
        {
            return Result<Page<ImportIssueDto>>.NotFound(ImportJobReads.Missing);
        }

        var issues = db.ImportRowIssues.AsNoTracking().Where(i => i.ImportJobId == query.JobId);
        var total = await issues.CountAsync(cancellationToken);
        var items = await issues.OrderBy(i => i.Row).ThenBy(i => i.Id).Skip(query.PageIndex * query.PageSize).Take(query.PageSize)
            .Select(i => new ImportIssueDto(i.Row, i.Outcome, i.Reason)).ToListAsync(cancellationToken);
        return new Page<ImportIssueDto>(items, query.PageIndex, query.PageSize, total);
    }
}
