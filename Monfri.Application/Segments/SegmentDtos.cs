using Monfri.Application.Conditions;
using Monfri.Application.Conditions.Text;
using Monfri.Domain.Conditions;
using Monfri.Domain.Segments;

namespace Monfri.Application.Segments;

/// <summary>
/// A segment as lists, pages and the REST API show it: <see cref="Definition"/> is the condition tree (JSON),
/// <see cref="Text"/> the same tree in the text language (docs/segments-language.md); both are an empty group for a
/// static list (<see cref="Kind"/>), whose members are picked by hand.
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
    DateTimeOffset UpdatedAt,
    SegmentKind Kind = SegmentKind.Conditions)
{
    /// <param name="catalog">Names the pipelines, stages and segments the text refers to.</param>
    public static SegmentDto From(Segment s, ConditionCatalog catalog, int? visibleCount = null) =>
        new(s.Id, s.Name, s.Description, s.Condition, ConditionText.Print(s.Condition, catalog), visibleCount ?? s.MemberCount, s.EvaluatedAt, s.CreatedAt, s.UpdatedAt, s.Kind);
}

/// <summary>
/// What a form or an API client sends to create or change a segment: the definition as JSON (<see cref="Definition"/>)
/// or as text (<see cref="Text"/>). Both may be sent (a segment read, changed and sent back) when they say the same.
/// </summary>
public sealed record SegmentInput(string Name, string? Description, Condition? Definition, string? Text = null);

/// <summary>One recorded entry into or exit from a segment (<c>segment_membership_changes</c>).</summary>
public sealed record SegmentHistoryEntry(long Id, Guid SegmentId, string SegmentName, bool Entered, DateTimeOffset At, string Reason);

/// <summary>A segment's size at the end of a UTC day, with how many entered and left that day (<c>segment_daily_counts</c>).</summary>
public sealed record SegmentDayCount(DateOnly Day, int MemberCount, int Entered, int Left);
