using System.Data.Common;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Monfri.Application.Cdp.Profiles;
using Monfri.Application.Common.Persistence;
using Monfri.Domain.Cdp;

namespace Monfri.Application.Cdp.Merges;

/// <summary>
/// What a merge record keeps of the two sides, taken just before the merge moves anything (the ingest's merges
/// and merges made by hand write the same shape): the loser's <c>people</c> row, identities, identify traits,
/// activity ids and deal links, and the winner's row and traits as they were. Undo gives back exactly this.
/// </summary>
public sealed record MergeSnapshot(
    JsonElement? Person,
    IReadOnlyList<IdentityDto> Identities,
    IReadOnlyList<Guid> Activities,
    IReadOnlyList<(Guid DealId, bool Shared)> Deals,
    JsonElement? Traits,
    JsonElement? Winner,
    JsonElement? WinnerTraits)
{
    /// <summary>
    /// The snapshot as one SQL expression over parameters <c>@l</c> (loser) and <c>@w</c> (winner). Both writers
    /// embed it, so a hand merge and an event's merge are undone the same way.
    /// </summary>
    public const string Sql =
        """
        SELECT jsonb_build_object(
            'person', to_jsonb(p) - 'search_text',
            'identities', (SELECT coalesce(jsonb_agg(jsonb_build_object('type', i.type, 'value', i.value)), '[]'::jsonb) FROM cdp_identities i WHERE i.person_id = @l),
            'traits', (SELECT t.traits FROM cdp_profile_traits t WHERE t.person_id = @l),
            'activities', (SELECT jsonb_agg(a.id) FROM activities a WHERE a.person_id = @l),
            'deals', (SELECT jsonb_agg(jsonb_build_object('id', d.deal_id, 'shared',
                EXISTS (SELECT 1 FROM deal_contacts x WHERE x.deal_id = d.deal_id AND x.person_id = @w))) FROM deal_contacts d WHERE d.person_id = @l),
            'winner', (SELECT to_jsonb(w) - 'search_text' FROM people w WHERE w.id = @w),
            'winnerTraits', (SELECT t.traits FROM cdp_profile_traits t WHERE t.person_id = @w))
        FROM people p WHERE p.id = @l
        """;

    public static MergeSnapshot Parse(string? json)
    {
        if (json is null)
        {
            return new(null, [], [], [], null, null, null);
        }

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        JsonElement? Get(string name) => root.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v.Clone() : null;
        var identities = Get("identities") is { ValueKind: JsonValueKind.Array } ids
            ? ids.EnumerateArray().Select(i => new IdentityDto(i.GetProperty("type").GetString()!, i.GetProperty("value").GetString()!)).ToList()
            : [];
        var activities = Get("activities") is { ValueKind: JsonValueKind.Array } a ? a.EnumerateArray().Select(x => x.GetGuid()).ToList() : [];
        var deals = Get("deals") is { ValueKind: JsonValueKind.Array } d
            ? d.EnumerateArray().Select(x => (x.GetProperty("id").GetGuid(), x.GetProperty("shared").GetBoolean())).ToList()
            : [];
        return new(Get("person"), identities, activities, deals, Get("traits"), Get("winner"), Get("winnerTraits"));
    }

    /// <summary>When the loser's row was created; equal to the merge time when the same batch created and merged it.</summary>
    public DateTimeOffset? LoserCreatedAt =>
        Person is { } p && p.TryGetProperty("created_at", out var c) && c.ValueKind == JsonValueKind.String ? c.GetDateTimeOffset() : null;

    /// <summary>Older merge records kept only the loser; the winner's own fields cannot be told apart then.</summary>
    public bool HasWinner => Winner is not null;

    public bool LoserWasContact => Person is { } p && p.TryGetProperty("is_contact", out var c) && c.ValueKind == JsonValueKind.True;

    /// <summary>The loser's name as the merge left it, for audit summaries.</summary>
    public string LoserName => Person is { } p ? NameOf(p) : "(unknown)";

    public static string NameOf(JsonElement person)
    {
        string? Text(string name) => person.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var name = $"{Text("first_name")} {Text("last_name")}".Trim();
        return name.Length > 0 ? name : Text("email") ?? (person.TryGetProperty("is_contact", out var c) && c.ValueKind == JsonValueKind.True ? "Unnamed contact" : "Anonymous visitor");
    }

    /// <summary>
    /// Records a merge made on the contacts' merge screen, with the same snapshot as the ingest's, inside the
    /// caller's transaction and before anything moved.
    /// </summary>
    public static async Task RecordByHandAsync(
        IMonfriDb db, Guid survivorId, Guid absorbedId, string absorbedLabel, string reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText =
            $"""
            INSERT INTO cdp_profile_merges (id, winner_id, loser_id, outcome, identity_type, identity_value, reason, loser_snapshot, merged_at)
            VALUES (@id, @w, @l, 'Merged', @it, left(@iv, 256), left(@r, 500), ({Sql}), @now)
            """;
        Add(command, "id", Guid.CreateVersion7(now));
        Add(command, "w", survivorId);
        Add(command, "l", absorbedId);
        Add(command, "it", ProfileMerge.ByHand);
        Add(command, "iv", absorbedLabel);
        Add(command, "r", reason);
        Add(command, "now", now);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
