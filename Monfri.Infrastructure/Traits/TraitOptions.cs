namespace Monfri.Infrastructure.Traits;

/// <summary>Monfri:Traits — computed trait upkeep.</summary>
public sealed class TraitOptions
{
    public const string Section = "Monfri:Traits";

    /// <summary>Whether this node runs the backfill worker and schedules the ageing job (tests drive them by hand).</summary>
    public bool RunWorkers { get; set; } = true;

    /// <summary>People per backfill transaction: small enough that live ingest of those people waits only briefly.</summary>
    public int BackfillChunk { get; set; } = 500;

    /// <summary>How often windowed traits are aged (their oldest day leaves the window at midnight UTC: an interval that divides a day runs then too).</summary>
    public TimeSpan AgeingInterval { get; set; } = TimeSpan.FromHours(1);
}
