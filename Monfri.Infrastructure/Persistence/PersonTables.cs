namespace Monfri.Infrastructure.Persistence;

/// <summary>
/// One table column that holds a person's id, and what happens to its rows when that person is merged into
/// another (<see cref="Merge"/>) or erased (<see cref="EraseKey"/>).
/// </summary>
/// <param name="Merge">
/// The statements that make the absorbed person's rows the survivor's, over <c>@w</c> (survivor), <c>@l</c>
/// (absorbed) and <c>@now</c>; the row count of the last one is what moved. Empty when the rows do not follow
/// by this list (see <see cref="Why"/>).
/// </param>
/// <param name="EraseKey">The count a privacy erasure reports for the rows it deletes here; null when the erasure handles them otherwise.</param>
public sealed record PersonTable(string Table, string Column, IReadOnlyList<string> Merge, string? EraseKey, string One, string Many, string Why);

/// <summary>
/// Every column in the schema that references a person, in one list: the ingest's merges
/// (<c>IngestProcessor</c>), merges made by hand (<see cref="ProfileMergeStore"/>) and the privacy eraser all go
/// through it, so a table that starts to reference people is added once and followed by all three.
/// <c>PersonTablesTests</c> compares the list with the migrated schema and fails for a column missing here.
/// </summary>
public static class PersonTables
{
    public static readonly IReadOnlyList<PersonTable> All =
    [
        new("activities", "person_id", ["UPDATE activities SET person_id = @w WHERE person_id = @l"], "activities",
            "activity", "activities", "CRM activities logged on the person."),
        // A deal both were on keeps one link to the survivor, never two.
        new("deal_contacts", "person_id",
            [
                "INSERT INTO deal_contacts (deal_id, person_id) SELECT deal_id, @w FROM deal_contacts WHERE person_id = @l ON CONFLICT DO NOTHING",
                "DELETE FROM deal_contacts WHERE person_id = @l",
            ],
            "dealLinks", "deal", "deals", "The deals the person is a contact of."),
        new("cdp_identities", "person_id", ["UPDATE cdp_identities SET person_id = @w WHERE person_id = @l"], "identities",
            "identity", "identities", "The identifiers that resolve to the person."),
        // Events are written by COPY into a partitioned table that EF does not map.
        new("cdp_events", "person_id", ["UPDATE cdp_events SET person_id = @w WHERE person_id = @l"], "events",
            "event", "events", "The person's stored events."),
        // The survivor's own traits win; the absorbed person's fill the gaps.
        new("cdp_profile_traits", "person_id",
            [
                """
                INSERT INTO cdp_profile_traits (person_id, traits, updated_at) SELECT @w, traits, @now FROM cdp_profile_traits WHERE person_id = @l
                    ON CONFLICT (person_id) DO UPDATE SET traits = excluded.traits || cdp_profile_traits.traits, updated_at = excluded.updated_at
                """,
            ],
            "traits", "set of traits", "sets of traits", "Identify traits, one row per person."),
        new("cdp_trait_buckets", "person_id", [], null, "", "",
            "Computed-trait state: moved by the computed-trait store (ingest) or rebuilt from the events (by hand); goes with the person's row."),
        new("cdp_trait_values", "person_id", [], null, "", "",
            "Computed-trait values, recomputed from the buckets after a merge; go with the person's row."),
        new("cdp_profile_stats", "person_id", [], null, "", "",
            "Built-in stats (first/last touch), moved or rebuilt with the computed traits; go with the person's row."),
        new("cdp_profile_merges", "winner_id", [], null, "", "",
            "Merge history: stays as written (undo needs it); the eraser deletes the records that name the person."),
        new("cdp_profile_merges", "loser_id", [], null, "", "",
            "Merge history: the absorbed person's id and snapshot, for undo."),
        new("privacy_requests", "person_id", [], null, "", "",
            "Privacy requests about the person: history; the eraser makes earlier ones forget the link."),
        // Segment rows follow no list: merges (ingest and by hand) and erasures queue the people they touch, and the
        // segment worker re-evaluates them — a person who no longer exists leaves every segment, history included.
        new("segment_members", "person_id", [], null, "", "",
            "Segment membership: re-evaluated by the segment worker for both sides of a merge and for an erased person."),
        new("segment_membership_changes", "person_id", [], null, "", "",
            "Entered/left history: deleted by the segment worker with a person who no longer exists."),
        new("segment_dirty_people", "person_id", [], null, "", "",
            "The segment worker's queue of people to re-evaluate; drained by it."),
    ];

    /// <summary>The tables whose rows follow the survivor of a merge, in the order they are moved.</summary>
    public static IEnumerable<PersonTable> Merged => All.Where(t => t.Merge.Count > 0);

    /// <summary>The tables whose rows a privacy erasure deletes with the person.</summary>
    public static IEnumerable<PersonTable> Erased => All.Where(t => t.EraseKey is not null);

    /// <summary>Every merge statement of the list, in order, as one script (the ingest runs it in one round trip).</summary>
    public static string MergeScript => string.Concat(Merged.SelectMany(t => t.Merge).Select(s => s.TrimEnd() + ";\n"));
}
