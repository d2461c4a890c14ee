using Monfri.Application.Common.Persistence;

namespace Monfri.Application.Crm.Common;

/// <summary>Which of the two merged records a field's value is taken from.</summary>
public enum MergeSide
{
    Survivor,
    Absorbed,
}

/// <summary>One of the two records on a merge screen, with what would move from it.</summary>
public sealed record MergeRecord(Guid Id, string Name, string? Subtitle, uint Version, DateTimeOffset CreatedAt, IReadOnlyList<string> Related);

/// <summary>One field of a merge screen: its key (as sent in the chosen values), its label and each record's value as text.</summary>
public sealed record MergeField(string Key, string Label, string? A, string? B);

/// <summary>Two records side by side before a merge: every field, and what is combined rather than chosen.</summary>
public sealed record MergePreview(MergeRecord A, MergeRecord B, IReadOnlyList<MergeField> Fields, IReadOnlyList<string> Combined);

/// <summary>What one kind of related data did in a merge: "3 activities" moved to the survivor.</summary>
public sealed record MergeMoved(int Count, string One, string Many)
{
    public override string ToString() => $"{Count} {(Count == 1 ? One : Many)}";
}

/// <summary>
/// A table that points at a merged record and must follow it to the survivor: re-points the absorbed
/// record's rows inside the merge's transaction and says how many moved.
/// </summary>
public delegate Task<MergeMoved> MergeParticipant(IMonfriDb db, Guid absorbedId, Guid survivorId, CancellationToken cancellationToken);

public static class Merging
{
    /// <summary>
    /// Whose value a field keeps: the chosen side, else the survivor's when it has one, else the other's.
    /// An empty value never replaces a set one, so a merge cannot lose data by a stray click.
    /// </summary>
    public static MergeSide Resolve(MergeSide? chosen, bool survivorHasValue, bool absorbedHasValue)
    {
        var side = chosen ?? (survivorHasValue ? MergeSide.Survivor : MergeSide.Absorbed);
        return side switch
        {
            MergeSide.Survivor when !survivorHasValue && absorbedHasValue => MergeSide.Absorbed,
            MergeSide.Absorbed when !absorbedHasValue => MergeSide.Survivor,
            _ => side,
        };
    }

    public static bool HasValue(object? value) => value switch
    {
        null => false,
        string s => !string.IsNullOrWhiteSpace(s),
        System.Collections.ICollection c => c.Count > 0,
        _ => true,
    };

    /// <summary>The history line of a merge on the survivor: which record went into it and what came along.</summary>
    public static string Summary(string absorbedName, string? absorbedDetail, Guid absorbedId, IEnumerable<MergeMoved> moved)
    {
        var moves = moved.Where(m => m.Count > 0).Select(m => m.ToString()).ToList();
        var what = moves.Count == 0 ? "nothing else to move" : string.Join(", ", moves) + " moved";
        var name = Shorten(absorbedName, 120) + (absorbedDetail is null ? "" : $" ({Shorten(absorbedDetail, 120)})");
        return $"Merged {name} into this record (its id was {absorbedId}); {what}.";
    }

    /// <summary>The history line of the absorbed record: where it went.</summary>
    public static string AbsorbedSummary(string absorbedName, string survivorName, Guid survivorId) =>
        $"{Shorten(absorbedName, 150)} was merged into {Shorten(survivorName, 150)} (id {survivorId}).";

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}

/// <summary>A record in a likely duplicate pair: its name and what tells it apart (email, company or domain).</summary>
public sealed record DuplicateMember(Guid Id, string Name, string? Detail, string? Context, DateTimeOffset CreatedAt);

/// <summary>Two records that are likely one (A is the older), and why they look alike.</summary>
public sealed record DuplicatePair(DuplicateMember A, DuplicateMember B, IReadOnlyList<string> Reasons);

/// <summary>A row of the pair queries: the two ids (older first), the reasons and the total number of pairs.</summary>
public sealed record DuplicatePairRow
{
    public Guid AId { get; init; }
    public Guid BId { get; init; }
    public string[] Reasons { get; init; } = [];
    public int Total { get; init; }
}
