using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Domain.Common;

namespace Monfri.Application.Cdp.Traits;

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

/// <summary>
/// A list filter on a computed trait: its value at least / at most a number, or equal to a text. Written in
/// URLs (CSV export) as <c>key|atLeast|atMost|is</c>.
/// </summary>
public sealed record TraitCondition(string Key, decimal? AtLeast = null, decimal? AtMost = null, string? Is = null)
{
    public override string ToString() =>
        string.Join('|', Key, AtLeast?.ToString(System.Globalization.CultureInfo.InvariantCulture), AtMost?.ToString(System.Globalization.CultureInfo.InvariantCulture), Is);

    public static IReadOnlyList<TraitCondition> Parse(IEnumerable<string>? values) =>
        (values ?? []).Select(v => v.Split('|', 4)).Where(p => p.Length == 4 && p[0].Length > 0)
            .Select(p => new TraitCondition(p[0], Number(p[1]), Number(p[2]), p[3].Length == 0 ? null : p[3])).ToList();

    /// <summary>The condition in words, for a filter chip: "Total revenue ≥ 100".</summary>
    public string Describe(string name) =>
        string.Join(", ", new[]
        {
            AtLeast is { } min ? $"{name} ≥ {min.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : null,
            AtMost is { } max ? $"{name} ≤ {max.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : null,
            Is is { } text ? $"{name} = {text}" : null,
        }.OfType<string>()) is { Length: > 0 } words ? words : $"{name} has a value";

    private static decimal? Number(string text) =>
        decimal.TryParse(text, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;
}
