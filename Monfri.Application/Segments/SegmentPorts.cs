using Monfri.Domain.Conditions;

namespace Monfri.Application.Segments;

/// <summary>A person in a preview or a member list.</summary>
public sealed record SegmentPersonDto(Guid Id, string DisplayName, string? Email, bool Identified, DateTimeOffset? LastSeenAt, DateTimeOffset? EnteredAt);

public sealed record SegmentPreviewDto(int Count, IReadOnlyList<SegmentPersonDto> Sample);

/// <summary>What one evaluation changed.</summary>
public sealed record MembershipChange(Guid SegmentId, int Entered, int Left, int MemberCount);

/// <summary>The live update on <c>segment:{id}</c> after members entered or left (data: <see cref="MembershipChange"/>).</summary>
public static class SegmentLive
{
    public const string Membership = "segment.membership";

    public static string Topic(Guid segmentId) => $"segment:{segmentId}";
}

/// <summary>
/// Evaluates conditions over people (Infrastructure: the condition compiler and hand-written SQL, under a statement
/// timeout so no definition can hang the database) and keeps segment membership materialised.
/// </summary>
public interface ISegmentEngine
{
    /// <summary>How many people match and a sample (most recently seen first); cancelled with the token.</summary>
    /// <param name="ownerOnly">Counts only people this user owns (a rep limited to own records).</param>
    Task<SegmentPreviewDto> PreviewAsync(Condition definition, Guid? ownerOnly, int sampleSize, CancellationToken cancellationToken);

    /// <summary>Evaluates a segment over everyone and records who entered and left (with <paramref name="reason"/>); publishes after commit.</summary>
    Task<MembershipChange> EvaluateAsync(Guid segmentId, string reason, CancellationToken cancellationToken);

    /// <summary>Re-evaluates every segment for a batch of people whose data changed; the number of people taken from the queue.</summary>
    Task<int> ProcessChangedPeopleAsync(int batchSize, CancellationToken cancellationToken);

    /// <summary>Re-evaluates segments whose membership moves with time alone (windows of the last N days, computed traits).</summary>
    Task<int> EvaluateTimeRelativeAsync(CancellationToken cancellationToken);

    Task<(IReadOnlyList<SegmentPersonDto> Items, int Total)> MembersAsync(Guid segmentId, Guid? ownerOnly, int pageIndex, int pageSize, CancellationToken cancellationToken);

    /// <summary>Members each segment has among people <paramref name="ownerId"/> owns.</summary>
    Task<IReadOnlyDictionary<Guid, int>> OwnedMemberCountsAsync(Guid ownerId, CancellationToken cancellationToken);

    /// <summary>The names of the segments a person is in, alphabetically.</summary>
    Task<IReadOnlyList<string>> SegmentsOfAsync(Guid personId, CancellationToken cancellationToken);
}
