using Monfri.Application.Conditions;
using Monfri.Application.Conditions.Text;
using Monfri.Domain.Conditions;
using Monfri.Domain.Segments;

namespace Monfri.Application.Segments;

/// <summary>
/// A segment as lists, pages and the REST API show it: <see cref="Definition"/> is the condition tree (JSON),
/// <see cref="Text"/> the same tree in the text language (docs/segments-language.md).
/// </summary>
public sealed record SegmentDto(
    Guid Id,
    string Name,
    string? Description,
    Condition Definition,
    string Text,
    int MemberCount,
    DateTimeOffset? EvaluatedAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <param name="catalog">Names the pipelines, stages and segments the text refers to.</param>
    public static SegmentDto From(Segment s, ConditionCatalog catalog, int? visibleCount = null) =>
        new(s.Id, s.Name, s.Description, s.Condition, ConditionText.Print(s.Condition, catalog), visibleCount ?? s.MemberCount, s.EvaluatedAt, s.CreatedAt, s.UpdatedAt);
}

/// <summary>
/// What a form or an API client sends to create or change a segment: the definition as JSON (<see cref="Definition"/>)
/// or as text (<see cref="Text"/>). Both may be sent (a segment read, changed and sent back) when they say the same.
/// </summary>
public sealed record SegmentInput(string Name, string? Description, Condition? Definition, string? Text = null);
