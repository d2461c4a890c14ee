using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Domain.Common;

namespace Monfri.Application.Cdp.Traits.ListTraitValues;

/// <summary>One computed trait's values for the people on a page of a list (person id → value as text).</summary>
[RequiresPermission(Permission.ViewProfiles)]
public sealed record ListTraitValuesQuery(string TraitKey, IReadOnlyList<Guid> PersonIds) : IQuery<Result<IReadOnlyDictionary<Guid, string>>>;

public sealed class ListTraitValuesHandler(IMonfriDbFactory dbFactory, CrmAccess access) : IQueryHandler<ListTraitValuesQuery, Result<IReadOnlyDictionary<Guid, string>>>
{
    public async ValueTask<Result<IReadOnlyDictionary<Guid, string>>> Handle(ListTraitValuesQuery query, CancellationToken cancellationToken)
    {
        if (query.PersonIds.Count > 500)
        {
            return Result<IReadOnlyDictionary<Guid, string>>.Invalid("At most 500 people at a time.", "personIds");
        }

        await using var db = await dbFactory.CreateAsync(cancellationToken);
        if (Domain.Cdp.ProfileIdentifyTraits.NameOf(query.TraitKey) is { } name)
        {
            var seen = await (await access.VisibleAsync(db, db.People.AsNoTracking().Where(p => query.PersonIds.Contains(p.Id)), cancellationToken))
                .Select(p => p.Id).ToListAsync(cancellationToken);
            var texts = await db.IdentifyTraits.AsNoTracking().Where(t => seen.Contains(t.PersonId))
                .Select(t => new { t.PersonId, Text = DbJson.Text(t.Traits, name) }).ToListAsync(cancellationToken);
            var shown = seen.ToDictionary(id => id, _ => "");
            foreach (var row in texts.Where(r => r.Text is not null))
            {
                shown[row.PersonId] = row.Text!.Length > 200 ? row.Text[..200] + "…" : row.Text;
            }

            return shown;
        }

        var trait = await db.ComputedTraits.AsNoTracking().FirstOrDefaultAsync(t => t.Key == query.TraitKey, cancellationToken);
        if (trait is null)
        {
            return Result<IReadOnlyDictionary<Guid, string>>.NotFound($"No computed trait has the key '{query.TraitKey}'.");
        }

        var visible = await (await access.VisibleAsync(db, db.People.AsNoTracking().Where(p => query.PersonIds.Contains(p.Id)), cancellationToken))
            .Select(p => p.Id).ToListAsync(cancellationToken);
        var rows = await db.ComputedTraitValues.AsNoTracking()
            .Where(v => v.TraitId == trait.Id && visible.Contains(v.PersonId))
            .Select(v => new { v.PersonId, v.Value }).ToListAsync(cancellationToken);
        // A count over no events is 0; other kinds show nothing without a value.
        var empty = trait.Kind is Domain.Cdp.TraitKind.EventCount or Domain.Cdp.TraitKind.UniqueCount ? "0" : "";
        var values = visible.ToDictionary(id => id, _ => empty);
        foreach (var row in rows)
        {
            values[row.PersonId] = new TraitValueDto(trait.Id, trait.Key, trait.Name, trait.Kind, trait.WindowDays, trait.Status,
                System.Text.Json.JsonDocument.Parse(row.Value).RootElement.Clone()).Display;
        }

        return values;
    }
}
