using FluentValidation;
using Mediator;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Reports.GetAttribution;

namespace Monfri.Application.Reports.GetTopPages;

/// <summary>The most viewed pages (page calls, by path) in the filter's range, with how many people viewed each.</summary>
[RequiresPermission(Permission.ViewMarketingReports)]
public sealed record GetTopPagesQuery(ReportFilter Filter, int Limit = 10) : IQuery<Result<IReadOnlyList<PageViews>>>;

public sealed class GetTopPagesValidator : AbstractValidator<GetTopPagesQuery>
{
    public GetTopPagesValidator()
    {
        RuleFor(q => q.Filter).NotNull().SetValidator(new ReportFilterValidator());
        RuleFor(q => q.Limit).InclusiveBetween(1, 100).WithMessage("Show 1 to 100 pages.");
    }
}

public sealed class GetTopPagesHandler(IAttributionStore store) : IQueryHandler<GetTopPagesQuery, Result<IReadOnlyList<PageViews>>>
{
    public async ValueTask<Result<IReadOnlyList<PageViews>>> Handle(GetTopPagesQuery query, CancellationToken cancellationToken) =>
        Result<IReadOnlyList<PageViews>>.Success(await store.TopPagesAsync(query.Filter.Start, query.Filter.End, query.Limit, cancellationToken));
}
