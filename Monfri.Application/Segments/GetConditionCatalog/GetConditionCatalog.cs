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

namespace Monfri.Application.Segments.GetConditionCatalog;

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
