using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Common;

namespace Monfri.Application.Crm.Pipelines.ListPipelines;

/// <summary>Every pipeline with its stages, in the order the workspace arranged them (read by everyone: deal forms need them).</summary>
[RequiresPermission(Permission.ViewDeals)]
public sealed record ListPipelinesQuery : IQuery<Result<IReadOnlyList<PipelineDto>>>;

public sealed class ListPipelinesHandler(IMonfriDbFactory dbFactory) : IQueryHandler<ListPipelinesQuery, Result<IReadOnlyList<PipelineDto>>>
{
    public async ValueTask<Result<IReadOnlyList<PipelineDto>>> Handle(ListPipelinesQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var pipelines = await db.Pipelines.AsNoTracking().OrderBy(p => p.Order).ThenBy(p => p.CreatedAt).ToListAsync(cancellationToken);
        return Result<IReadOnlyList<PipelineDto>>.Success(pipelines.Select(p => p.ToDto()).ToList());
    }
}
