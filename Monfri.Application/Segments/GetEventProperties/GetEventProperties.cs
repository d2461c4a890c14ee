using FluentValidation;
using Mediator;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Conditions;

namespace Monfri.Application.Segments.GetEventProperties;

/// <summary>The properties seen on the latest events of a name, with their types: the builder's property picker.</summary>
[RequiresPermission(Permission.ManageSegments)]
public sealed record GetEventPropertiesQuery(string Event) : IQuery<Result<IReadOnlyList<CatalogProperty>>>;

public sealed class GetEventPropertiesValidator : AbstractValidator<GetEventPropertiesQuery>
{
    public GetEventPropertiesValidator() => RuleFor(q => q.Event).NotEmpty().MaximumLength(200).WithMessage("Name an event (at most 200 characters).");
}

public sealed class GetEventPropertiesHandler(IConditionCatalogSource catalogs) : IQueryHandler<GetEventPropertiesQuery, Result<IReadOnlyList<CatalogProperty>>>
{
    public async ValueTask<Result<IReadOnlyList<CatalogProperty>>> Handle(GetEventPropertiesQuery query, CancellationToken cancellationToken) =>
        Result<IReadOnlyList<CatalogProperty>>.Success(await catalogs.PropertiesAsync(query.Event, cancellationToken));
}
