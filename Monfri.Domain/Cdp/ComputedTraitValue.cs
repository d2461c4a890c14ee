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
