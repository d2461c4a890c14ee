using Monfri.Domain.Conditions;
using Monfri.Domain.Segments;

namespace Monfri.Application.Segments;

/// <summary>A segment as lists, pages and the REST API show it; <see cref="Definition"/> is the condition tree (JSON).</summary>
public sealed record SegmentDto(
    Guid Id,
    string Name,
    string? Description,
    Condition Definition,
    int MemberCount,
    DateTimeOffset? EvaluatedAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static SegmentDto From(Segment s, int? visibleCount = null) =>
        new(s.Id, s.Name, s.Description, s.Condition, visibleCount ?? s.MemberCount, s.EvaluatedAt, s.CreatedAt, s.UpdatedAt);
}

/// <summary>What a form or an API client sends to create or change a segment.</summary>
public sealed record SegmentInput(string Name, string? Description, Condition Definition);
