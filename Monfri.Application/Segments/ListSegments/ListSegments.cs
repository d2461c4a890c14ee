using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Paging;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Conditions;
using Monfri.Application.Crm.Common;
using Monfri.Domain.Conditions;

namespace Monfri.Application.Segments.ListSegments;

/// <summary>Every segment with its member count (for a rep limited to own records: the members they own).</summary>
[RequiresPermission(Permission.ViewSegments)]
public sealed record ListSegmentsQuery : IQuery<Result<IReadOnlyList<SegmentDto>>>;

public sealed class ListSegmentsHandler(IMonfriDbFactory dbFactory, ISegmentEngine engine, CrmAccess access, IConditionCatalogSource catalogs)
    : IQueryHandler<ListSegmentsQuery, Result<IReadOnlyList<SegmentDto>>>
{
    public async ValueTask<Result<IReadOnlyList<SegmentDto>>> Handle(ListSegmentsQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var segments = await db.Segments.AsNoTracking().OrderBy(s => s.Name).ToListAsync(cancellationToken);
        var catalog = await catalogs.LoadAsync(cancellationToken);
        if (await access.OwnRecordsOnlyAsync(db, cancellationToken))
        {
            var own = await engine.OwnedMemberCountsAsync(access.UserId!.Value, cancellationToken);
            return segments.Select(s => SegmentDto.From(s, catalog, own.GetValueOrDefault(s.Id))).ToList();
        }

        return segments.Select(s => SegmentDto.From(s, catalog)).ToList();
    }
}
