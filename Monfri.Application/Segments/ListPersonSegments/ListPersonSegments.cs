using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Cdp.Profiles;
using Monfri.Application.Cdp.Profiles.GetPersonProfile;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Domain.Segments;

namespace Monfri.Application.Segments.ListPersonSegments;

/// <summary>A segment a person is in, as a chip on their page shows it.</summary>
public sealed record SegmentRefDto(Guid Id, string Name, SegmentKind Kind);

/// <summary>The segments and static lists a person is in, by name; nobody the caller may not see.</summary>
[RequiresPermission(Permission.ViewSegments)]
public sealed record ListPersonSegmentsQuery(Guid PersonId) : IQuery<Result<IReadOnlyList<SegmentRefDto>>>;

public sealed class ListPersonSegmentsHandler(IMonfriDbFactory dbFactory, CrmAccess access)
    : IQueryHandler<ListPersonSegmentsQuery, Result<IReadOnlyList<SegmentRefDto>>>
{
    public async ValueTask<Result<IReadOnlyList<SegmentRefDto>>> Handle(ListPersonSegmentsQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        if (await ProfileVisibility.FindAsync(db, access, query.PersonId, cancellationToken) is null)
        {
            return Result<IReadOnlyList<SegmentRefDto>>.NotFound("No such person.");
        }

        return await (from m in db.SegmentMembers.AsNoTracking()
                      join s in db.Segments.AsNoTracking() on m.SegmentId equals s.Id
                      where m.PersonId == query.PersonId
                      orderby s.Name
                      select new SegmentRefDto(s.Id, s.Name, s.Kind)).ToListAsync(cancellationToken);
    }
}
