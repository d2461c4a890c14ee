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

namespace Monfri.Application.Segments;

/// <summary>Every segment with its member count (for a rep limited to own records: the members they own).</summary>
[RequiresPermission(Permission.ViewSegments)]
public sealed record ListSegmentsQuery : IQuery<Result<IReadOnlyList<SegmentDto>>>;

public sealed class ListSegmentsHandler(IMonfriDbFactory dbFactory, ISegmentEngine engine, CrmAccess access)
    : IQueryHandler<ListSegmentsQuery, Result<IReadOnlyList<SegmentDto>>>
{
    public async ValueTask<Result<IReadOnlyList<SegmentDto>>> Handle(ListSegmentsQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var segments = await db.Segments.AsNoTracking().OrderBy(s => s.Name).ToListAsync(cancellationToken);
        if (await access.OwnRecordsOnlyAsync(db, cancellationToken))
        {
            var own = await engine.OwnedMemberCountsAsync(access.UserId!.Value, cancellationToken);
            return segments.Select(s => SegmentDto.From(s, own.GetValueOrDefault(s.Id))).ToList();
        }

        return segments.Select(s => SegmentDto.From(s)).ToList();
    }
}

[RequiresPermission(Permission.ViewSegments)]
public sealed record GetSegmentQuery(Guid Id) : IQuery<Result<SegmentDto>>;

public sealed class GetSegmentHandler(IMonfriDbFactory dbFactory, ISegmentEngine engine, CrmAccess access) : IQueryHandler<GetSegmentQuery, Result<SegmentDto>>
{
    public async ValueTask<Result<SegmentDto>> Handle(GetSegmentQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var segment = await db.Segments.AsNoTracking().FirstOrDefaultAsync(s => s.Id == query.Id, cancellationToken);
        if (segment is null)
        {
            return Result<SegmentDto>.NotFound("No such segment.");
        }

        return await access.OwnRecordsOnlyAsync(db, cancellationToken)
            ? SegmentDto.From(segment, (await engine.OwnedMemberCountsAsync(access.UserId!.Value, cancellationToken)).GetValueOrDefault(segment.Id))
            : SegmentDto.From(segment);
    }
}

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

/// <summary>
/// How many people a definition matches now and a sample of them, without saving anything: the editor's live
/// preview (it cancels an earlier preview when the definition changes again). Refused with the same precise
/// messages as a save.
/// </summary>
[RequiresPermission(Permission.ViewSegments)]
public sealed record PreviewSegmentQuery(Condition Definition, Guid? SegmentId = null, int SampleSize = 10) : IQuery<Result<SegmentPreviewDto>>;

public sealed class PreviewSegmentValidator : AbstractValidator<PreviewSegmentQuery>
{
    public PreviewSegmentValidator()
    {
        RuleFor(q => q.Definition).NotNull().WithMessage("A definition is required.");
        RuleFor(q => q.SampleSize).InclusiveBetween(0, 100).WithMessage("A sample holds 0 to 100 people.");
    }
}

public sealed class PreviewSegmentHandler(IMonfriDbFactory dbFactory, IConditionCatalogSource catalogs, ISegmentEngine engine, CrmAccess access)
    : IQueryHandler<PreviewSegmentQuery, Result<SegmentPreviewDto>>
{
    public async ValueTask<Result<SegmentPreviewDto>> Handle(PreviewSegmentQuery query, CancellationToken cancellationToken)
    {
        var catalog = await catalogs.LoadAsync(cancellationToken);
        if (ConditionValidator.Validate(query.Definition, catalog, query.SegmentId) is { Count: > 0 } problems)
        {
            return Result<SegmentPreviewDto>.Invalid([.. problems]);
        }

        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var ownerOnly = await access.OwnRecordsOnlyAsync(db, cancellationToken) ? access.UserId : null;
        return await engine.PreviewAsync(query.Definition, ownerOnly, query.SampleSize, cancellationToken);
    }
}

/// <summary>
/// What a condition may name — fields with their types, event names seen, pipelines and stages, segments — for the
/// builder's pickers: the same catalog validation checks against, so a picker never offers what a save refuses.
/// </summary>
[RequiresPermission(Permission.ManageSegments)]
public sealed record GetConditionCatalogQuery : IQuery<Result<ConditionCatalog>>;

public sealed class GetConditionCatalogHandler(IConditionCatalogSource catalogs) : IQueryHandler<GetConditionCatalogQuery, Result<ConditionCatalog>>
{
    public async ValueTask<Result<ConditionCatalog>> Handle(GetConditionCatalogQuery query, CancellationToken cancellationToken) =>
        await catalogs.LoadAsync(cancellationToken);
}
