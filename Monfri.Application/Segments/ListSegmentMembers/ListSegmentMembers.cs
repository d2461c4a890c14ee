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

namespace Monfri.Application.Segments.ListSegmentMembers;

/// <summary>
/// A segment's members a page at a time, most recent entry first unless <c>SortBy</c> names one of
/// <see cref="SegmentMemberSorts"/>; a rep limited to own records sees their own.
/// </summary>
[RequiresPermission(Permission.ViewSegments)]
public sealed record ListSegmentMembersQuery(Guid Id, int PageIndex = 0, int PageSize = 50, string? SortBy = null, SortDirection Direction = SortDirection.Descending)
    : IQuery<Result<Page<SegmentPersonDto>>>;

public sealed class ListSegmentMembersValidator : AbstractValidator<ListSegmentMembersQuery>
{
    public ListSegmentMembersValidator()
    {
        RuleFor(q => q.PageIndex).GreaterThanOrEqualTo(0).WithMessage("The page index starts at 0.");
        RuleFor(q => q.PageSize).InclusiveBetween(1, 500).WithMessage("A page holds 1 to 500 members.");
        RuleFor(q => q.SortBy).Must(s => s is null || SegmentMemberSorts.All.Contains(s))
            .WithMessage($"Sort by one of: {string.Join(", ", SegmentMemberSorts.All)}.");
    }
}

public sealed class ListSegmentMembersHandler(IMonfriDbFactory dbFactory, ISegmentEngine engine, CrmAccess access)
    : IQueryHandler<ListSegmentMembersQuery, Result<Page<SegmentPersonDto>>>
{
    public async ValueTask<Result<Page<SegmentPersonDto>>> Handle(ListSegmentMembersQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        if (!await db.Segments.AnyAsync(s => s.Id == query.Id, cancellationToken))
        {
            return Result<Page<SegmentPersonDto>>.NotFound("No such segment.");
        }

        var ownerOnly = await access.OwnRecordsOnlyAsync(db, cancellationToken) ? access.UserId : null;
        var (items, total) = await engine.MembersAsync(
            query.Id, ownerOnly, query.PageIndex, query.PageSize, query.SortBy, query.Direction == SortDirection.Descending, cancellationToken);
        return new Page<SegmentPersonDto>(items, query.PageIndex, query.PageSize, total);
    }
}
