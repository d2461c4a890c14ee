using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Live;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Cdp;
using Monfri.Domain.Common;

namespace Monfri.Application.Cdp.Traits.GetComputedTrait;

[RequiresPermission(Permission.ManageComputedTraits)]
public sealed record GetComputedTraitQuery(Guid Id) : IQuery<Result<ComputedTraitDto>>;

public sealed class GetComputedTraitHandler(IMonfriDbFactory dbFactory, IComputedTraitStore store) : IQueryHandler<GetComputedTraitQuery, Result<ComputedTraitDto>>
{
    public async ValueTask<Result<ComputedTraitDto>> Handle(GetComputedTraitQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var trait = await db.ComputedTraits.AsNoTracking().FirstOrDefaultAsync(t => t.Id == query.Id, cancellationToken);
        return trait is null
            ? Result<ComputedTraitDto>.NotFound("No such computed trait.")
            : ComputedTraitDto.From(trait, (await store.SkippedAsync(db, cancellationToken)).GetValueOrDefault(trait.Id));
    }
}
