using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Cdp;
using Monfri.Domain.Common;

namespace Monfri.Application.Cdp.BlockList.ListBlockedIdentifiers;

/// <summary>The Admin-maintained identifier values that never identify anyone (on top of the built-in junk list).</summary>
[RequiresPermission(Permission.ManageBlockList)]
public sealed record ListBlockedIdentifiersQuery : IQuery<Result<IReadOnlyList<string>>>;

public sealed class ListBlockedIdentifiersHandler(IMonfriDbFactory dbFactory) : IQueryHandler<ListBlockedIdentifiersQuery, Result<IReadOnlyList<string>>>
{
    public async ValueTask<Result<IReadOnlyList<string>>> Handle(ListBlockedIdentifiersQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        return await db.BlockedIdentifiers.AsNoTracking().OrderBy(b => b.Value).Select(b => b.Value).ToListAsync(cancellationToken);
    }
}
