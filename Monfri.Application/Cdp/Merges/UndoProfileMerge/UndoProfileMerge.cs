using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Cdp.Common;
using Monfri.Application.Common.Live;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Common;
using Monfri.Domain.Cdp;
using Monfri.Domain.Crm;
using Monfri.Application.Cdp.Merges.ListProfileMerges;

using Roles = Monfri.Domain.Common.Roles;

namespace Monfri.Application.Cdp.Merges.UndoProfileMerge;

/// <summary>What an undone merge gave back to the absorbed person.</summary>
public sealed record UndoneMergeDto(Guid MergeId, Guid WinnerId, Guid LoserId, int Identities, int Events, int Activities, int Deals);

/// <summary>
/// Undoes one merge: the absorbed person comes back under their old id with their row as the merge found it,
/// their identities, the events those identities carried (also ones that arrived after the merge), their
/// identify traits, activities and deal links; the winner gets back the fields it had before. See
/// docs/decisions/009-undoing-a-merge.md for which identities and events count as the absorbed person's.
/// </summary>
[RequiresPermission(Permission.UndoMerges)]
public sealed record UndoProfileMergeCommand(Guid MergeId) : ICommand<Result<UndoneMergeDto>>
{
    /// <summary>The kind of the update both people's <c>profile:{id}</c> topics get.</summary>
    public const string LiveKind = "profile.unmerged";
}

public sealed class UndoProfileMergeHandler(
    IMonfriDbFactory dbFactory, IProfileMergeStore store, CrmAccess access, TimeProvider clock, ILiveFeed live, IProfileRecompute recompute)
    : ICommandHandler<UndoProfileMergeCommand, Result<UndoneMergeDto>>
{
    public async ValueTask<Result<UndoneMergeDto>> Handle(UndoProfileMergeCommand command, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // The merge row is locked first: two Admins pressing Undo at once undo it once.
        var merge = await store.LockMergeAsync(db, command.MergeId, cancellationToken);
        if (merge is null)
        {
            return Result<UndoneMergeDto>.NotFound("No such merge.");
        }

        var (m, w, l) = (merge.Id, merge.WinnerId, merge.LoserId);
        var snapshot = MergeSnapshot.Parse(merge.LoserSnapshot);
        var winnerExists = await db.People.AnyAsync(p => p.Id == w, cancellationToken);
        var loserExists = await db.People.AnyAsync(p => p.Id == l, cancellationToken);
        if (MergeUndoRules.WhyNot(merge, snapshot, winnerExists, loserExists) is { } why)
        {
            return Result<UndoneMergeDto>.Conflict(why);
        }

        await store.LockWinnerAsync(db, w, cancellationToken);
        var winnerBefore = await db.People.AsNoTracking().FirstAsync(p => p.Id == w, cancellationToken);
        var now = clock.GetUtcNow();
        int identities, events, activities, deals;
        try
        {
            if (snapshot.HasWinner)
            {
                await store.RestoreWinnerFieldsAsync(db, m, w, now, cancellationToken);
            }

            await store.RecreateLoserAsync(db, m, now, cancellationToken);
            (identities, events) = await store.MoveIdentitiesAndEventsBackAsync(db, m, w, l, cancellationToken);
            activities = await store.MoveActivitiesBackAsync(db, m, w, l, cancellationToken);
            deals = await store.MoveDealLinksBackAsync(db, m, w, l, cancellationToken);
            await RestoreTraitsAsync(db, store, merge, snapshot, now, cancellationToken);
            await store.RestoreSeenAsync(db, m, w, l, snapshot.HasWinner, now, cancellationToken);
        }
        catch (DbException ex) when (ex.SqlState == "23505")
        {
            return Result<UndoneMergeDto>.Conflict("An email of the absorbed person is now used by another contact; change that contact's email first.");
        }

        var winnerAfter = await db.People.AsNoTracking().FirstAsync(p => p.Id == w, cancellationToken);
        var loserName = snapshot.LoserName;
        db.AuditLog.Add(AuditEntry.Record(CrmObjectType.Contact, w, AuditAction.Unmerged, Changes(winnerBefore, winnerAfter), access.UserId, now,
            Clip($"Merge undone: {loserName} is a separate person again; {identities} identities, {events} events, {activities} activities and {deals} deal links went back to them.")));
        db.AuditLog.Add(AuditEntry.Record(CrmObjectType.Contact, l, AuditAction.Unmerged, [], access.UserId, now,
            Clip($"Merge undone: brought back from {winnerAfter.DisplayName}, as the merge of {merge.MergedAt:yyyy-MM-dd HH:mm} UTC found them.")));
        merge.MarkUndone(access.UserId, now);
        // Ingest claims that read "this identity is the winner's" before we commit see the epoch move and redo
        // their work (IngestProcessor.LockExistingPeopleAsync). Taken last, so two undos never wait on each other in turn.
        await store.BumpResolutionEpochAsync(db, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        // The one place derived profile data (computed traits) catches up with events that changed hands.
        await recompute.RecomputeAsync([w, l], cancellationToken);

        var data = new { MergeId = m, WinnerId = w, LoserId = l, By = access.UserId };
        await live.PublishAsync(LiveTopics.Profile(w), UndoProfileMergeCommand.LiveKind, data, cancellationToken);
        await live.PublishAsync(LiveTopics.Profile(l), UndoProfileMergeCommand.LiveKind, data, cancellationToken);
        return new UndoneMergeDto(m, w, l, identities, events, activities, deals);
    }

    /// <summary>
    /// The loser's identify traits from the snapshot, then those of its identifies that arrived after the merge;
    /// the winner loses the traits it only had from the loser (same rule as its fields).
    /// </summary>
    private static async Task RestoreTraitsAsync(
        IMonfriDb db, IProfileMergeStore store, ProfileMerge merge, MergeSnapshot snapshot, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var loserTraits = Object(snapshot.Traits);
        var later = await store.IdentifyTraitsSinceAsync(db, merge.LoserId, merge.MergedAt, cancellationToken);
        var restored = (JsonObject)loserTraits.DeepClone();
        foreach (var traits in later.Select(t => JsonNode.Parse(t)!.AsObject()))
        {
            foreach (var (key, value) in traits)
            {
                restored[key] = value?.DeepClone();
            }
        }

        if (restored.Count > 0)
        {
            await store.SetIdentifyTraitsAsync(db, merge.LoserId, restored.ToJsonString(), now, cancellationToken);
        }

        if (!snapshot.HasWinner || loserTraits.Count == 0)
        {
            return;
        }

        if (await store.IdentifyTraitsAsync(db, merge.WinnerId, cancellationToken) is not { } current)
        {
            return;
        }

        var winner = JsonNode.Parse(current)!.AsObject();
        var before = Object(snapshot.WinnerTraits);
        foreach (var (key, value) in loserTraits)
        {
            if (winner.TryGetPropertyValue(key, out var held) && JsonNode.DeepEquals(held, value)
                && !(before.TryGetPropertyValue(key, out var was) && JsonNode.DeepEquals(was, value)))
            {
                if (before.TryGetPropertyValue(key, out var own))
                {
                    winner[key] = own?.DeepClone();
                }
                else
                {
                    winner.Remove(key);
                }
            }
        }

        await store.SetIdentifyTraitsAsync(db, merge.WinnerId, winner.ToJsonString(), now, cancellationToken);
    }

    private static JsonObject Object(JsonElement? element) =>
        element is { ValueKind: JsonValueKind.Object } e ? JsonNode.Parse(e.GetRawText())!.AsObject() : [];

    private static string Clip(string text) => text.Length <= 500 ? text : text[..497] + "…";

    /// <summary>The winner's fields the undo changed, for the audit entry (the row was written by SQL, not tracked).</summary>
    private static List<FieldChange> Changes(Person before, Person after)
    {
        var fields = new (string Field, Func<Person, object?> Value)[]
        {
            ("firstName", p => p.FirstName), ("lastName", p => p.LastName), ("email", p => p.Email), ("otherEmails", p => string.Join(", ", p.OtherEmails)),
            ("phone", p => p.Phone), ("jobTitle", p => p.JobTitle), ("companyId", p => p.CompanyId), ("ownerId", p => p.OwnerId),
            ("lifecycleStage", p => p.LifecycleStage), ("leadSource", p => p.LeadSource), ("tags", p => string.Join(", ", p.Tags)),
            ("isContact", p => p.IsContact),
        };
        var changes = fields
            .Select(f => new FieldChange(f.Field, f.Value(before)?.ToString(), f.Value(after)?.ToString()))
            .Where(c => c.Old != c.New)
            .ToList();
        foreach (var key in before.CustomFields.Keys.Union(after.CustomFields.Keys).Order())
        {
            var (old, @new) = (Text(before.CustomFields.GetValueOrDefault(key)), Text(after.CustomFields.GetValueOrDefault(key)));
            if (old != @new)
            {
                changes.Add(new FieldChange($"customFields.{key}", old, @new));
            }
        }

        return changes;
    }

    private static string? Text(object? value) => value switch
    {
        null => null,
        JsonElement e => e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText(),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
    };
}
