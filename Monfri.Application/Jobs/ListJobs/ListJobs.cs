using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Jobs;
using Monfri.Application.Common.Paging;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Common;

namespace Monfri.Application.Jobs.ListJobs;

/// <summary>Background jobs, newest first, optionally only those in one state (e.g. Failed or Dead).</summary>
[RequiresPermission(Permission.ViewJobs)]
public sealed record ListJobsQuery(JobState? State = null, int PageIndex = 0, int PageSize = 50) : IQuery<Result<Page<JobDto>>>, IPagedQuery;

public sealed class ListJobsHandler(IMonfriDbFactory dbFactory) : IQueryHandler<ListJobsQuery, Result<Page<JobDto>>>
{
    public async ValueTask<Result<Page<JobDto>>> Handle(ListJobsQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var jobs = db.Jobs.AsNoTracking();
        if (query.State is { } state)
        {
            jobs = jobs.Where(j => j.State == state);
        }

        var total = await jobs.CountAsync(cancellationToken);
        var items = await jobs.OrderByDescending(j => j.CreatedAt).ThenByDescending(j => j.Id)
            .Skip(query.PageIndex * query.PageSize).Take(query.PageSize)
            .Select(JobDto.Projection).ToListAsync(cancellationToken);
        return new Page<JobDto>(items, query.PageIndex, query.PageSize, total);
    }
}
