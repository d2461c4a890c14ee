using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Cdp.Profiles;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Domain.Cdp;
using Monfri.Domain.Common;
using Monfri.Application.Cdp.Profiles.GetProfile;
using Monfri.Application.Cdp.Profiles.GetPersonProfile;

namespace Monfri.Application.Cdp.Merges.ListProfileMerges;

/// <summary>
/// One merge that formed the profile. <see cref="Depth"/> 0 is a merge into the profile itself; 1 a merge into
/// a profile it absorbed later (the chain), and so on. <see cref="UndoBlockedReason"/> is null when an Admin
/// may undo it now.
/// </summary>
public sealed record MergeHistoryEntryDto(
    Guid Id,
    Guid WinnerId,
    Guid LoserId,
    int Depth,
    bool ByHand,
    string IdentityType,
    string IdentityValue,
    Guid? SourceId,
    string? SourceName,
    string? MessageId,
    string Reason,
    DateTimeOffset MergedAt,
    IReadOnlyList<IdentityDto> LoserIdentities,
    bool LoserWasContact,
    DateTimeOffset? UndoneAt,
    string? UndoneBy,
    string? UndoBlockedReason,
    string LoserName);

/// <summary>An event that linked this profile to another one, but a guard kept the two apart.</summary>
public sealed record RefusedMergeDto(
    Guid Id,
    Guid WinnerId,
    Guid LoserId,
    string IdentityType,
    string IdentityValue,
    Guid? SourceId,
    string? SourceName,
    string? MessageId,
    string Reason,
    DateTimeOffset At);

public sealed record MergeHistoryDto(Guid PersonId, IReadOnlyList<MergeHistoryEntryDto> Merges, IReadOnlyList<RefusedMergeDto> Refusals);

/// <summary>The merges that formed a profile (with the chain of earlier ones) and the merges that were refused.</summary>
[RequiresPermission(Permission.ViewProfiles)]
public sealed record ListProfileMergesQuery(string IdType, string Value) : IQuery<Result<MergeHistoryDto>>;

public sealed class ListProfileMergesHandler(IMonfriDbFactory dbFactory, CrmAccess access) : IQueryHandler<ListProfileMergesQuery, Result<MergeHistoryDto>>
{
    // A chain deeper than this would be a loop in corrupt data rather than history anyone reads.
    private const int MaxDepth = 10;

    public async ValueTask<Result<MergeHistoryDto>> Handle(ListProfileMergesQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        if (await ProfileLookup.FindAsync(db, query.IdType, query.Value, cancellationToken) is not { } personId
            || await ProfileVisibility.FindAsync(db, access, personId, cancellationToken) is null)
        {
            return Result<MergeHistoryDto>.NotFound($"No profile has the identifier {query.IdType}:{query.Value}, or you may not see it.");
        }

        // Level by level: the merges into this person, then the merges into each profile it absorbed (before it
        // was absorbed), and so on. An undone merge is history but no longer part of the profile: not followed.
        var chain = new List<(ProfileMerge Merge, int Depth)>();
        var frontier = new Dictionary<Guid, DateTimeOffset> { [personId] = DateTimeOffset.MaxValue };
        for (var depth = 0; depth < MaxDepth && frontier.Count > 0; depth++)
        {
            var winners = frontier.Keys.ToList();
            var level = await db.ProfileMerges.AsNoTracking()
                .Where(m => winners.Contains(m.WinnerId) && m.Outcome == MergeOutcome.Merged)
                .ToListAsync(cancellationToken);
            level = [.. level.Where(m => m.MergedAt <= frontier[m.WinnerId])];
            chain.AddRange(level.Select(m => (m, depth)));
            frontier = level.Where(m => m.UndoneAt is null).GroupBy(m => m.LoserId).ToDictionary(g => g.Key, g => g.Max(m => m.MergedAt));
        }

        var involved = chain.Select(c => c.Merge.LoserId).Append(personId).Distinct().ToList();
        var refusals = await db.ProfileMerges.AsNoTracking()
            .Where(m => m.Outcome == MergeOutcome.Refused && (involved.Contains(m.WinnerId) || involved.Contains(m.LoserId)))
            .OrderByDescending(m => m.MergedAt).Take(100)
            .ToListAsync(cancellationToken);

        var sourceIds = chain.Select(c => c.Merge.SourceId).Concat(refusals.Select(r => r.SourceId)).OfType<Guid>().Distinct().ToList();
        var sources = await db.Sources.AsNoTracking().Where(s => sourceIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Name, cancellationToken);
        var userIds = chain.Select(c => c.Merge.UndoneBy).OfType<Guid>().Distinct().ToList();
        var users = await db.UserRefs.Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, cancellationToken);
        var winnerIds = chain.Select(c => c.Merge.WinnerId).Concat(chain.Select(c => c.Merge.LoserId)).Distinct().ToList();
        var existing = (await db.People.AsNoTracking().Where(p => winnerIds.Contains(p.Id)).Select(p => p.Id).ToListAsync(cancellationToken)).ToHashSet();

        MergeHistoryEntryDto Entry(ProfileMerge m, int depth)
        {
            var snapshot = MergeSnapshot.Parse(m.LoserSnapshot);
            return new MergeHistoryEntryDto(
                m.Id, m.WinnerId, m.LoserId, depth, m.IsByHand, m.IdentityType, m.IdentityValue, m.SourceId,
                m.SourceId is { } s ? sources.GetValueOrDefault(s) : null, m.MessageId, m.Reason, m.MergedAt,
                snapshot.Identities, snapshot.LoserWasContact, m.UndoneAt, m.UndoneBy is { } by ? users.GetValueOrDefault(by) : null,
                MergeUndoRules.WhyNot(m, snapshot, existing.Contains(m.WinnerId), existing.Contains(m.LoserId)),
                snapshot.LoserName);
        }

        // Newest first, each merge followed by the chain that formed the profile it absorbed.
        var ordered = new List<MergeHistoryEntryDto>();
        void Add(Guid winner, int depth, DateTimeOffset before)
        {
            foreach (var (merge, d) in chain.Where(c => c.Depth == depth && c.Merge.WinnerId == winner && c.Merge.MergedAt <= before)
                         .OrderByDescending(c => c.Merge.MergedAt))
            {
                ordered.Add(Entry(merge, d));
                if (merge.UndoneAt is null)
                {
                    Add(merge.LoserId, depth + 1, merge.MergedAt);
                }
            }
        }

        Add(personId, 0, DateTimeOffset.MaxValue);
        var refused = refusals.Select(r => new RefusedMergeDto(r.Id, r.WinnerId, r.LoserId, r.IdentityType, r.IdentityValue, r.SourceId,
            r.SourceId is { } s ? sources.GetValueOrDefault(s) : null, r.MessageId, r.Reason, r.MergedAt)).ToList();
        return new MergeHistoryDto(personId, ordered, refused);
    }
}

/// <summary>When a merge can be undone; the history shows the same answer the undo gives.</summary>
internal static class MergeUndoRules
{
    public static string? WhyNot(ProfileMerge merge, MergeSnapshot snapshot, bool winnerExists, bool loserExists)
    {
        if (merge.Outcome != MergeOutcome.Merged)
        {
            return "The profiles were kept apart; there is no merge to undo.";
        }

        if (merge.UndoneAt is not null)
        {
            return "This merge was already undone.";
        }

        if (snapshot.Person is null)
        {
            return "This merge kept no copy of the absorbed profile, so it cannot be undone.";
        }

        // The ingest creates a profile for a new visitor and merges it in the same batch when one batch both
        // introduces and identifies them: everything of theirs went to the winner directly.
        if (snapshot.LoserCreatedAt == merge.MergedAt)
        {
            return "The absorbed profile was created and merged by the same batch of events; it has nothing of its own to give back.";
        }

        if (!winnerExists)
        {
            return "The profile that absorbed it was merged into another profile since. Undo that later merge first.";
        }

        return loserExists ? "The absorbed profile exists again." : null;
    }
}
