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

namespace Monfri.Application.Segments.PreviewSegment;

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
