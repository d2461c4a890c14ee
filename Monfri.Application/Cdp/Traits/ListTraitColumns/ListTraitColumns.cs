using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Domain.Common;

namespace Monfri.Application.Cdp.Traits.ListTraitColumns;

/// <summary>
/// A trait a list can show as a column: its key (used in sort and filter) and name — a computed trait, or an
/// identify trait (key <c>identify.{name}</c>, its latest value as text; filtered by value like a text trait).
/// </summary>
public sealed record TraitColumn(string Key, string Name, Domain.Cdp.TraitKind Kind)
{
    public bool IsIdentify => Domain.Cdp.ProfileIdentifyTraits.NameOf(Key) is not null;
}

/// <summary>
/// The traits lists can show: the computed traits, then the identify traits' names that identify calls have sent
/// (recorded by ingest in <c>cdp_identify_trait_keys</c>); readable by everyone who sees contacts.
/// </summary>
[RequiresPermission(Permission.ViewProfiles)]
public sealed record ListTraitColumnsQuery : IQuery<Result<IReadOnlyList<TraitColumn>>>;

public sealed class ListTraitColumnsHandler(IMonfriDbFactory dbFactory, IComputedTraitStore traits) : IQueryHandler<ListTraitColumnsQuery, Result<IReadOnlyList<TraitColumn>>>
{
    public async ValueTask<Result<IReadOnlyList<TraitColumn>>> Handle(ListTraitColumnsQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var computed = await db.ComputedTraits.AsNoTracking().OrderBy(t => t.Name).Select(t => new TraitColumn(t.Key, t.Name, t.Kind)).ToListAsync(cancellationToken);
        var identify = await traits.IdentifyTraitNamesAsync(db, cancellationToken);
        // Identify traits read as text (a plan, a company): filtered by their value like a last-value trait.
        List<TraitColumn> columns = [.. computed, .. identify.Where(Domain.Cdp.ProfileIdentifyTraits.IsListableName)
            .Select(name => new TraitColumn(Domain.Cdp.ProfileIdentifyTraits.KeyPrefix + name, name, Domain.Cdp.TraitKind.LastValue))];
        return columns;
    }
}
