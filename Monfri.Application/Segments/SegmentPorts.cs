using Monfri.Domain.Conditions;

namespace Monfri.Application.Segments;

/// <summary>A person in a preview or a member list.</summary>
public sealed record SegmentPersonDto(Guid Id, string DisplayName, string? Email, bool Identified, DateTimeOffset? LastSeenAt, DateTimeOffset? EnteredAt);

public sealed record SegmentPreviewDto(int Count, IReadOnlyList<SegmentPersonDto> Sample);

/// <summary>What one evaluation changed.</summary>
public sealed record MembershipChange(Guid SegmentId, int Entered, int Left, int MemberCount);

/// <summary>What a segment's member list sorts by.</summary>
public static class SegmentMemberSorts
{
    public const string Name = "name";
    public const string Email = "email";
    public const string EnteredAt = "enteredAt";
    public const string LastSeenAt = "lastSeenAt";

    public static readonly string[] All = [Name, Email, EnteredAt, LastSeenAt];
}

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

    /// <summary>A page of members sorted by one of <see cref="SegmentMemberSorts"/> (null: most recent entry first).</summary>
    Task<(IReadOnlyList<SegmentPersonDto> Items, int Total)> MembersAsync(
        Guid segmentId, Guid? ownerOnly, int pageIndex, int pageSize, string? sortBy, bool descending, CancellationToken cancellationToken);

    /// <summary>Every member in the list's order, read as the caller writes them out (the CSV export).</summary>
    IAsyncEnumerable<SegmentPersonDto> AllMembersAsync(Guid segmentId, Guid? ownerOnly, string? sortBy, bool descending, CancellationToken cancellationToken);

    /// <summary>Members each segment has among people <paramref name="ownerId"/> owns.</summary>
    Task<IReadOnlyDictionary<Guid, int>> OwnedMemberCountsAsync(Guid ownerId, CancellationToken cancellationToken);

    /// <summary>Adds people to a static list (ids of nobody are skipped); records, counts and announces it like any change.</summary>
    Task<MembershipChange> AddMembersAsync(Guid segmentId, IReadOnlyCollection<Guid> people, string reason, CancellationToken cancellationToken);

    /// <summary>Takes people out of a static list; records, counts and announces it like any change.</summary>
    Task<MembershipChange> RemoveMembersAsync(Guid segmentId, IReadOnlyCollection<Guid> people, string reason, CancellationToken cancellationToken);

    /// <summary>The recorded daily sizes (UTC days) from <paramref name="from"/>, with the last recorded day before it first.</summary>
    Task<IReadOnlyList<SegmentDayCount>> SizeHistoryAsync(Guid segmentId, DateOnly from, CancellationToken cancellationToken);

    /// <summary>How many entries and exits were recorded since <paramref name="since"/>; with <paramref name="ownerOnly"/>, of people that user owns.</summary>
    Task<(int Entered, int Left)> ChangesSinceAsync(Guid segmentId, DateTimeOffset since, Guid? ownerOnly, CancellationToken cancellationToken);

    /// <summary>A person's entries and exits, newest first, at or before <paramref name="atOrBefore"/> (all when null).</summary>
    Task<IReadOnlyList<SegmentHistoryEntry>> PersonHistoryAsync(Guid personId, DateTimeOffset? atOrBefore, int limit, CancellationToken cancellationToken);

    /// <summary>The names of the segments a person is in, alphabetically.</summary>
    Task<IReadOnlyList<string>> SegmentsOfAsync(Guid personId, CancellationToken cancellationToken);
}
