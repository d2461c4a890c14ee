using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Paging;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;

namespace Monfri.Application.Segments.ExportSegmentMembers;

/// <summary>Every member of a segment in the list's order (the CSV export); a rep limited to own records gets their own.</summary>
[RequiresPermission(Permission.ViewSegments)]
public sealed record ExportSegmentMembersQuery(Guid Id, string? SortBy = null, SortDirection Direction = SortDirection.Descending)
    : IQuery<Result<IAsyncEnumerable<SegmentPersonDto>>>;

public sealed class ExportSegmentMembersValidator : AbstractValidator<ExportSegmentMembersQuery>
{
    public ExportSegmentMembersValidator() =>
        RuleFor(q => q.SortBy).Must(s => s is null || SegmentMemberSorts.All.Contains(s))
            .WithMessage($"Sort by one of: {string.Join(", ", SegmentMemberSorts.All)}.");
}

public sealed class ExportSegmentMembersHandler(IMonfriDbFactory dbFactory, ISegmentEngine engine, CrmAccess access)
    : IQueryHandler<ExportSegmentMembersQuery, Result<IAsyncEnumerable<SegmentPersonDto>>>
{
    public async ValueTask<Result<IAsyncEnumerable<SegmentPersonDto>>> Handle(ExportSegmentMembersQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        if (!await db.Segments.AnyAsync(s => s.Id == query.Id, cancellationToken))
        {
            return Result<IAsyncEnumerable<SegmentPersonDto>>.NotFound("No such segment.");
        }

        var ownerOnly = await access.OwnRecordsOnlyAsync(db, cancellationToken) ? access.UserId : null;
        return Result<IAsyncEnumerable<SegmentPersonDto>>.Success(
            engine.AllMembersAsync(query.Id, ownerOnly, query.SortBy, query.Direction == SortDirection.Descending, CancellationToken.None));
    }
}
