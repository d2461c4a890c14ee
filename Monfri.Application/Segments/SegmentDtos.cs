using Monfri.Domain.Conditions;
using Monfri.Domain.Segments;

namespace Monfri.Application.Segments;

/// <summary>
/// A segment as lists, pages and the REST API show it; <see cref="Definition"/> is the condition tree (JSON), an empty
/// group for a static list (<see cref="Kind"/>), whose members are picked by hand.
/// </summary>
public sealed record SegmentDto(
    Guid Id,
    string Name,
    string? Description,
    Condition Definition,
    int MemberCount,
    DateTimeOffset? EvaluatedAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    SegmentKind Kind = SegmentKind.Conditions)
{
    public static SegmentDto From(Segment s, int? visibleCount = null) =>
        new(s.Id, s.Name, s.Description, s.Condition, visibleCount ?? s.MemberCount, s.EvaluatedAt, s.CreatedAt, s.UpdatedAt, s.Kind);
}

/// <summary>What a form or an API client sends to create or change a segment.</summary>
public sealed record SegmentInput(string Name, string? Description, Condition Definition);

/// <summary>One recorded entry into or exit from a segment (<c>segment_membership_changes</c>).</summary>
public sealed record SegmentHistoryEntry(long Id, Guid SegmentId, string SegmentName, bool Entered, DateTimeOffset At, string Reason);

/// <summary>A segment's size at the end of a UTC day, with how many entered and left that day (<c>segment_daily_counts</c>).</summary>
public sealed record SegmentDayCount(DateOnly Day, int MemberCount, int Entered, int Left);
