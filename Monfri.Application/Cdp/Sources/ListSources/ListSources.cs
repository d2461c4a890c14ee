using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Cdp.Common;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Cdp;
using Monfri.Domain.Common;

namespace Monfri.Application.Cdp.Sources.ListSources;

/// <summary>Every source, by name.</summary>
[RequiresPermission(Permission.ManageSources)]
public sealed record ListSourcesQuery : IQuery<Result<IReadOnlyList<SourceDto>>>;

public sealed class ListSourcesHandler(IMonfriDbFactory dbFactory) : IQueryHandler<ListSourcesQuery, Result<IReadOnlyList<SourceDto>>>
{
    public async ValueTask<Result<IReadOnlyList<SourceDto>>> Handle(ListSourcesQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var sources = await db.Sources.AsNoTracking().OrderBy(s => s.Name).ToListAsync(cancellationToken);
        return sources.Select(SourceDto.From).ToList();
    }
}
