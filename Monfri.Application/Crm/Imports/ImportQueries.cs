using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Paging;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Crm;


namespace Monfri.Application.Crm.Imports;

/// <summary>One import with its progress. Only the user who started it and admins may read it (others: not found).</summary>
[RequiresPermission(Permission.ViewContacts)]
public sealed record GetImportJobQuery(Guid Id) : IQuery<Result<ImportJobDto>>;

/// <summary>Past and running imports, newest first: the user's own, or everyone's for an admin.</summary>
[RequiresPermission(Permission.ViewContacts)]
public sealed record ListImportJobsQuery(CrmObjectType? ObjectType = null, int PageIndex = 0, int PageSize = 20) : IQuery<Result<Page<ImportJobDto>>>, IPagedQuery;

/// <summary>The rows of an import that were rejected or skipped, in file order, with the reason for each.</summary>
[RequiresPermission(Permission.ViewContacts)]
public sealed record ListImportIssuesQuery(Guid JobId, int PageIndex = 0, int PageSize = 100) : IQuery<Result<Page<ImportIssueDto>>>, IPagedQuery;

/// <summary>The fields a column of a contacts or companies file can be mapped to (built-in and custom).</summary>
[RequiresPermission(Permission.ViewContacts)]
public sealed record GetImportFieldsQuery(CrmObjectType ObjectType) : IQuery<Result<IReadOnlyList<ImportField>>>;

public sealed class ListImportJobsValidator : AbstractValidator<ListImportJobsQuery>
{
    public ListImportJobsValidator()
    {
        this.RuleForPaging(maxPageSize: 100);
    }
}

public sealed class ListImportIssuesValidator : AbstractValidator<ListImportIssuesQuery>
{
    public ListImportIssuesValidator()
    {
        this.RuleForPaging(maxPageSize: 500);
    }
}

public sealed class ImportQueries(IMonfriDbFactory dbFactory, ICurrentUser currentUser)
    : IQueryHandler<GetImportJobQuery, Result<ImportJobDto>>,
      IQueryHandler<ListImportJobsQuery, Result<Page<ImportJobDto>>>,
      IQueryHandler<ListImportIssuesQuery, Result<Page<ImportIssueDto>>>,
      IQueryHandler<GetImportFieldsQuery, Result<IReadOnlyList<ImportField>>>
{
    private const string Missing = "That import does not exist, or you may not see it.";

    public async ValueTask<Result<ImportJobDto>> Handle(GetImportJobQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var job = await Readable(db).Where(j => j.Id == query.Id).Select(Project(db)).FirstOrDefaultAsync(cancellationToken);
        return job is null ? Result<ImportJobDto>.NotFound(Missing) : job;
    }

    public async ValueTask<Result<Page<ImportJobDto>>> Handle(ListImportJobsQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var jobs = Readable(db);
        if (query.ObjectType is { } type)
        {
            jobs = jobs.Where(j => j.ObjectType == type);
        }

        var total = await jobs.CountAsync(cancellationToken);
        var items = await jobs.OrderByDescending(j => j.CreatedAt).ThenByDescending(j => j.Id)
            .Skip(query.PageIndex * query.PageSize).Take(query.PageSize).Select(Project(db)).ToListAsync(cancellationToken);
        return new Page<ImportJobDto>(items, query.PageIndex, query.PageSize, total);
    }

    public async ValueTask<Result<Page<ImportIssueDto>>> Handle(ListImportIssuesQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        if (!await Readable(db).AnyAsync(j => j.Id == query.JobId, cancellationToken))
        {
            return Result<Page<ImportIssueDto>>.NotFound(Missing);
        }

        var issues = db.ImportRowIssues.AsNoTracking().Where(i => i.ImportJobId == query.JobId);
        var total = await issues.CountAsync(cancellationToken);
        var items = await issues.OrderBy(i => i.Row).ThenBy(i => i.Id).Skip(query.PageIndex * query.PageSize).Take(query.PageSize)
            .Select(i => new ImportIssueDto(i.Row, i.Outcome, i.Reason)).ToListAsync(cancellationToken);
        return new Page<ImportIssueDto>(items, query.PageIndex, query.PageSize, total);
    }

    public async ValueTask<Result<IReadOnlyList<ImportField>>> Handle(GetImportFieldsQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var definitions = await db.CustomFieldDefinitions.AsNoTracking().Where(d => d.ObjectType == query.ObjectType).ToListAsync(cancellationToken);
        return Result<IReadOnlyList<ImportField>>.Success(ImportFields.For(query.ObjectType, definitions));
    }

    /// <summary>An import holds people's data from a file only its uploader chose to share: the uploader and admins read it.</summary>
    private IQueryable<ImportJob> Readable(IMonfriDb db)
    {
        var jobs = db.ImportJobs.AsNoTracking();
        if (currentUser.Can(Permission.ViewAllImports))
        {
            return jobs;
        }

        var me = currentUser.Id;
        return jobs.Where(j => j.CreatedById == me);
    }

    private static System.Linq.Expressions.Expression<Func<ImportJob, ImportJobDto>> Project(IMonfriDb db) =>
        j => new ImportJobDto(j.Id, j.ObjectType, j.FileName, j.Mode, j.Status, j.TotalRows, j.ProcessedRows, j.Created, j.Updated, j.Skipped, j.Failed,
            j.CompaniesCreated, j.Error, j.Encoding, j.Delimiter, j.Mapping, j.CreatedById,
            db.UserRefs.Where(u => u.Id == j.CreatedById).Select(u => u.DisplayName).FirstOrDefault(),
            j.CreatedAt, j.StartedAt, j.FinishedAt);

    public static ImportJobDto ToDto(ImportJob j, string? createdByName) =>
        new(j.Id, j.ObjectType, j.FileName, j.Mode, j.Status, j.TotalRows, j.ProcessedRows, j.Created, j.Updated, j.Skipped, j.Failed,
            j.CompaniesCreated, j.Error, j.Encoding, j.Delimiter, j.Mapping, j.CreatedById, createdByName, j.CreatedAt, j.StartedAt, j.FinishedAt);
}
