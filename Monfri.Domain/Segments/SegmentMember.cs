namespace Monfri.Domain.Segments;

/// <summary>
/// One person in one segment (<c>segment_members</c>). Written only by the segment engine's statements, which move the
/// count and record the change with it; mapped read-only so list filters ("contacts in segment X") can join it.
/// </summary>
public sealed class SegmentMember
{
    private SegmentMember()
    {
    }

    public Guid SegmentId { get; private set; }
    public Guid PersonId { get; private set; }
    public DateTimeOffset EnteredAt { get; private set; }
}
