using Monfri.Domain.Common;
using Monfri.Domain.Conditions;

namespace Monfri.Domain.Segments;

/// <summary>How a segment's members are chosen.</summary>
public enum SegmentKind
{
    /// <summary>By its condition, kept current by the segment engine.</summary>
    Conditions,

    /// <summary>By hand: people added and removed one by one, from a list selection, a CSV or the API. No condition.</summary>
    Static,
}

/// <summary>
/// A named condition over people whose members are materialised (<see cref="SegmentMember"/>) and kept current:
/// evaluated in full when saved, then per person as their data changes, and on a schedule for relative windows.
/// </summary>
public sealed class Segment : Entity
{
    public const int MaxNameLength = 100;
    public const int MaxDescriptionLength = 500;

    private Segment()
    {
    }

    public Guid Id { get; private set; }
    public string Name { get; private set; } = "";
    public string? Description { get; private set; }
    public SegmentKind Kind { get; private set; }

    /// <summary>The condition tree as JSON (<see cref="ConditionJson"/>); validated before it is set.</summary>
    public string Definition { get; private set; } = "";

    /// <summary>Members now; moved with every entry and exit in the same transaction.</summary>
    public int MemberCount { get; private set; }

    /// <summary>When the last full evaluation finished (null: never evaluated).</summary>
    public DateTimeOffset? EvaluatedAt { get; private set; }

    public Guid? CreatedBy { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public uint Version { get; private set; }

    public Condition Condition => ConditionJson.Deserialize(Definition);

    public static Segment Create(string name, string? description, Condition definition, Guid? createdBy, DateTimeOffset now)
    {
        var segment = new Segment { Id = Guid.CreateVersion7(now), CreatedBy = createdBy, CreatedAt = now };
        segment.Update(name, description, definition, now);
        return segment;
    }

    /// <summary>
    /// A static list: its stored definition is an empty group, which nothing evaluates (the engine skips static lists),
    /// so a segment built on it ("member of list X") reads its hand-picked members.
    /// </summary>
    public static Segment CreateStatic(string name, string? description, Guid? createdBy, DateTimeOffset now)
    {
        var segment = new Segment { Id = Guid.CreateVersion7(now), Kind = SegmentKind.Static, CreatedBy = createdBy, CreatedAt = now };
        segment.Update(name, description, new GroupCondition(GroupOperator.And, []), now);
        return segment;
    }

    public void Update(string name, string? description, Condition definition, DateTimeOffset now)
    {
        Name = name.Trim();
        Description = string.IsNullOrWhiteSpace(description) ? null : description.Trim();
        Definition = ConditionJson.Serialize(definition);
        UpdatedAt = now;
    }
}
