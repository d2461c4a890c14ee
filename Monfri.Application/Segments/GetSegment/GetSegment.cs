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

namespace Monfri.Application.Segments.GetSegment;

[RequiresPermission(Permission.ViewSegments)]
public sealed record GetSegmentQuery(Guid Id) : IQuery<Result<SegmentDto>>;

public sealed class GetSegmentHandler(IMonfriDbFactory dbFactory, ISegmentEngine engine, CrmAccess access, IConditionCatalogSource catalogs)
    : IQueryHandler<GetSegmentQuery, Result<SegmentDto>>
{
    public async ValueTask<Result<SegmentDto>> Handle(GetSegmentQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var segment = await db.Segments.AsNoTracking().FirstOrDefaultAsync(s => s.Id == query.Id, cancellationToken);
        if (segment is null)
        {
            return Result<SegmentDto>.NotFound("No such segment.");
        }

        var catalog = await catalogs.LoadAsync(cancellationToken);
        return await access.OwnRecordsOnlyAsync(db, cancellationToken)
            ? SegmentDto.From(segment, catalog, (await engine.OwnedMemberCountsAsync(access.UserId!.Value, cancellationToken)).GetValueOrDefault(segment.Id))
            : SegmentDto.From(segment, catalog);
    }
}
