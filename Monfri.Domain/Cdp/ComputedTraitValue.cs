namespace Monfri.Domain.Cdp;

/// <summary>
/// The current value of one computed trait for one person, kept by the ingest workers (read-only here).
/// <see cref="Number"/> and <see cref="Text"/> repeat the value in a sortable form for lists.
/// </summary>
public sealed class ComputedTraitValue
{
    private ComputedTraitValue()
    {
    }

    public Guid PersonId { get; private set; }
    public Guid TraitId { get; private set; }

    /// <summary>The value as JSON (a number, a string, true/false, or whatever the property held).</summary>
    public string Value { get; private set; } = "null";

    public decimal? Number { get; private set; }
    public string? Text { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
}

/// <summary>
/// The built-in touch traits every profile has, kept by the ingest workers: where the person came from the first
/// and the last time (UTM campaign, else the referring site, else direct). Total events is counted when read.
/// </summary>
public sealed class ProfileStats
{
    private ProfileStats()
    {
    }

    public Guid PersonId { get; private set; }
    public DateTimeOffset? FirstTouchAt { get; private set; }
    public string? FirstTouchSource { get; private set; }
    public string? FirstTouchMedium { get; private set; }
    public string? FirstTouchCampaign { get; private set; }
    public DateTimeOffset? LastTouchAt { get; private set; }
    public string? LastTouchSource { get; private set; }
    public string? LastTouchMedium { get; private set; }
    public string? LastTouchCampaign { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
}

/// <summary>
/// The latest identify traits of a profile, merged key by key as identify calls arrive (written by the ingest
/// workers; read by the profile page and by the contacts list's trait columns and filters).
/// </summary>
public sealed class ProfileIdentifyTraits
{
    private ProfileIdentifyTraits()
    {
    }

    public Guid PersonId { get; private set; }

    /// <summary>The traits as a JSON object.</summary>
    public string Traits { get; private set; } = "{}";

    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>Prefix of an identify trait's key where lists name traits (<c>identify.plan</c>), beside computed traits' keys.</summary>
    public const string KeyPrefix = "identify.";

    /// <summary>
    /// The trait name in an identify trait key (<c>identify.plan</c> → <c>plan</c>), or null. Names are kept to
    /// what a list state and a CSV export URL can carry (no <c>|</c>, no control characters, at most 100).
    /// </summary>
    public static string? NameOf(string? key) =>
        key is not null && key.StartsWith(KeyPrefix, StringComparison.Ordinal) && IsListableName(key[KeyPrefix.Length..]) ? key[KeyPrefix.Length..] : null;

    public static bool IsListableName(string name) =>
        name.Length is > 0 and <= 100 && !name.Contains('|', StringComparison.Ordinal) && !name.Any(char.IsControl);
}
