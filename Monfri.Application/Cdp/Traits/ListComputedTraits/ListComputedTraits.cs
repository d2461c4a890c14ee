using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Live;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Cdp;
using Monfri.Domain.Common;

namespace Monfri.Application.Cdp.Traits.ListComputedTraits;

/// <summary>Every computed trait with its backfill status and how many events it had to skip.</summary>
[RequiresPermission(Permission.ManageComputedTraits)]
public sealed record ListComputedTraitsQuery : IQuery<Result<IReadOnlyList<ComputedTraitDto>>>;

public sealed class ListComputedTraitsHandler(IMonfriDbFactory dbFactory, IComputedTraitStore store) : IQueryHandler<ListComputedTraitsQuery, Result<IReadOnlyList<ComputedTraitDto>>>
{
    public async ValueTask<Result<IReadOnlyList<ComputedTraitDto>>> Handle(ListComputedTraitsQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var traits = await db.ComputedTraits.AsNoTracking().OrderBy(t => t.Name).ToListAsync(cancellationToken);
        var skipped = await store.SkippedAsync(db, cancellationToken);
        return traits.Select(t => ComputedTraitDto.From(t, skipped.GetValueOrDefault(t.Id))).ToList();
    }
}
