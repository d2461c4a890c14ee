using Monfri.Domain.Common;

namespace Monfri.Domain.Cdp;

public enum MergeOutcome
{
    /// <summary>The two profiles became one; the loser's events, identities and records moved to the winner.</summary>
    Merged,

    /// <summary>The event linked two profiles but a guard kept them apart (e.g. two different user ids).</summary>
    Refused,
}

/// <summary>
/// The record of one merge (or refused merge): which profiles, the identity that linked them, the event that
/// carried it and when. The loser's row as it was is kept so the merge can be shown and undone.
/// </summary>
public sealed class ProfileMerge
{
    private ProfileMerge()
    {
    }

    public Guid Id { get; private set; }
    public Guid WinnerId { get; private set; }
    public Guid LoserId { get; private set; }
    public MergeOutcome Outcome { get; private set; }
    public string IdentityType { get; private set; } = "";
    public string IdentityValue { get; private set; } = "";
    public Guid? SourceId { get; private set; }
    public string? MessageId { get; private set; }
    public string Reason { get; private set; } = "";

    /// <summary>The loser's <c>people</c> row and identities as JSON, taken just before the merge.</summary>
    public string? LoserSnapshot { get; private set; }

    public DateTimeOffset MergedAt { get; private set; }

    /// <summary>When an Admin undid the merge (the loser came back); a merge is undone at most once.</summary>
    public DateTimeOffset? UndoneAt { get; private set; }

    public Guid? UndoneBy { get; private set; }

    /// <summary><see cref="IdentityType"/> of a merge a user made on the contacts' merge screen rather than an event.</summary>
    public const string ByHand = "merged_by_hand";

    public bool IsByHand => IdentityType == ByHand;

    public void MarkUndone(Guid? userId, DateTimeOffset at)
    {
        if (Outcome != MergeOutcome.Merged || UndoneAt is not null)
        {
            throw new DomainException("Only a merge that happened and was not undone yet can be undone.");
        }

        UndoneAt = at;
        UndoneBy = userId;
    }
}
