using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Paging;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Crm;


namespace Monfri.Application.Crm.Imports.ListImportJobs;

/// <summary>Past and running imports, newest first: the user's own, or everyone's for an admin.</summary>
[RequiresPermission(Permission.ViewContacts)]
public sealed record ListImportJobsQuery(CrmObjectType? ObjectType = null, int PageIndex = 0, int PageSize = 20) : IQuery<Result<Page<ImportJobDto>>>, IPagedQuery;

public sealed class ListImportJobsValidator : AbstractValidator<ListImportJobsQuery>
{
    public ListImportJobsValidator()
    {
        this.RuleForPaging(maxPageSize: 100);
    }
}

public sealed class ListImportJobsHandler(IMonfriDbFactory dbFactory, ICurrentUser currentUser)
    : IQueryHandler<ListImportJobsQuery, Result<Page<ImportJobDto>>>
{
    public async ValueTask<Result<Page<ImportJobDto>>> Handle(ListImportJobsQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var jobs = ImportJobReads.Readable(db, currentUser);
        if (query.ObjectType is { } type)
        {
            jobs = jobs.Where(j => j.ObjectType == type);
        }

        var total = await jobs.CountAsync(cancellationToken);
        var items = await jobs.OrderByDescending(j => j.CreatedAt).ThenByDescending(j => j.Id)
            .Skip(query.PageIndex * query.PageSize).Take(query.PageSize).Select(ImportJobReads.Project(db)).ToListAsync(cancellationToken);
        return new Page<ImportJobDto>(items, query.PageIndex, query.PageSize, total);
    }
}
