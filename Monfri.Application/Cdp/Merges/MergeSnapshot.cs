using System.Text.Json;
using Monfri.Application.Cdp.Profiles;
using Monfri.Domain.Crm;
using Monfri.Application.Cdp.Profiles.GetProfile;

namespace Monfri.Application.Cdp.Merges;

/// <summary>
/// What a merge record keeps of the two sides, taken just before the merge moves anything (the ingest's merges
/// and merges made by hand write the same shape): the loser's <c>people</c> row, identities, identify traits,
/// activity ids and deal links, and the winner's row and traits as they were. Undo gives back exactly this.
/// The SQL that takes it is <c>ProfileMergeStore.SnapshotSql</c> in Infrastructure.
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
        return PersonName.Display(Text("first_name"), Text("last_name"), Text("email"),
            person.TryGetProperty("is_contact", out var c) && c.ValueKind == JsonValueKind.True);
    }
}
