using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Domain.Common;

namespace Monfri.Application.Cdp.Traits;

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
