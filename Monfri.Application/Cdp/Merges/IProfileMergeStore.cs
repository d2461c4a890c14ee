using Monfri.Application.Common.Persistence;
using Monfri.Application.Crm.Common;
using Monfri.Domain.Cdp;

namespace Monfri.Application.Cdp.Merges;

/// <summary>
/// The set-based statements of merging two people and of undoing a merge (Infrastructure holds the SQL and the
/// one list of tables that reference a person). Every method runs inside the caller's EF transaction on
/// <paramref name="db" />, so a use case keeps its unit of work.
/// </summary>
public interface IProfileMergeStore
{
    /// <summary>
    /// Records a merge made on the contacts' merge screen, with the same snapshot as the ingest's, before
    /// anything moved — so the profile's merge history shows it and an Admin can undo it.
    /// </summary>
    Task RecordByHandAsync(IMonfriDb db, Guid survivorId, Guid absorbedId, string absorbedLabel, string reason, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Moves every row that references the absorbed person to the survivor (the same tables an ingest merge moves); says what moved.</summary>
    Task<IReadOnlyList<MergeMoved>> MoveToSurvivorAsync(IMonfriDb db, Guid absorbedId, Guid survivorId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The merge record, locked for update: two Admins pressing Undo at once undo it once.</summary>
    Task<ProfileMerge?> LockMergeAsync(IMonfriDb db, Guid mergeId, CancellationToken cancellationToken);

    /// <summary>
    /// The same per-identity locks the ingest takes before resolving, in the same order, then the winner's row:
    /// an event being resolved to the winner right now lands before the undo looks, or after, on the right side.
    /// </summary>
    Task LockWinnerAsync(IMonfriDb db, Guid winnerId, CancellationToken cancellationToken);

    /// <summary>
    /// A field of the winner goes back to its value before the merge when it holds the loser's value now and held
    /// something else then — i.e. it came from the loser and nobody changed it since. Emails, tags and custom
    /// fields the loser brought go the same way.
    /// </summary>
    Task RestoreWinnerFieldsAsync(IMonfriDb db, Guid mergeId, Guid winnerId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The loser's row as the merge found it, under its old id; references that are gone since are left empty.</summary>
    Task RecreateLoserAsync(IMonfriDb db, Guid mergeId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Gives the loser back its identities and the events they carried (docs/decisions/009-undoing-a-merge.md);
    /// returns how many of each moved.
    /// </summary>
    Task<(int Identities, int Events)> MoveIdentitiesAndEventsBackAsync(IMonfriDb db, Guid mergeId, Guid winnerId, Guid loserId, CancellationToken cancellationToken);

    /// <summary>The activities the snapshot lists go back to the loser; returns how many.</summary>
    Task<int> MoveActivitiesBackAsync(IMonfriDb db, Guid mergeId, Guid winnerId, Guid loserId, CancellationToken cancellationToken);

    /// <summary>The loser's deal links come back; the winner keeps a link only where it had one before the merge. Returns the links restored.</summary>
    Task<int> MoveDealLinksBackAsync(IMonfriDb db, Guid mergeId, Guid winnerId, Guid loserId, CancellationToken cancellationToken);

    /// <summary>The properties (JSON objects) of the person's identify events received after <paramref name="since"/>, oldest first.</summary>
    Task<IReadOnlyList<string>> IdentifyTraitsSinceAsync(IMonfriDb db, Guid personId, DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>The person's identify traits (a JSON object), or null when they have none.</summary>
    Task<string?> IdentifyTraitsAsync(IMonfriDb db, Guid personId, CancellationToken cancellationToken);

    /// <summary>Replaces the person's identify traits with <paramref name="json"/> (a JSON object).</summary>
    Task SetIdentifyTraitsAsync(IMonfriDb db, Guid personId, string json, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// First and last seen of both from the events each holds now; the winner (when the snapshot kept it) is a
    /// contact again only if it was one or still has an identifier that makes one.
    /// </summary>
    Task RestoreSeenAsync(IMonfriDb db, Guid mergeId, Guid winnerId, Guid loserId, bool hasWinner, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Moves the resolution epoch: ingest claims that read "this identity is the winner's" before the undo commits
    /// see it move and redo their work (IngestProcessor.LockExistingPeopleAsync).
    /// </summary>
    Task BumpResolutionEpochAsync(IMonfriDb db, CancellationToken cancellationToken);
}
