namespace Monfri.Infrastructure.Demo;

/// <summary>Monfri:Demo — whether a new, empty workspace is filled with demo data on its first start.</summary>
public sealed class DemoOptions
{
    public const string Section = "Monfri:Demo";

    /// <summary>On by default so a first <c>./monfri.sh run</c> shows a living CRM; a real workspace turns it off.</summary>
    public bool Enabled { get; set; } = true;
}

/// <summary>What start-up did about the demo workspace, for the console banner.</summary>
/// <param name="Seeded">True when this start created the demo data.</param>
/// <param name="SignIns">One active demo login per role (empty when there are none to show).</param>
/// <param name="Elapsed">How long seeding took (zero when nothing was seeded).</param>
public sealed record DemoReport(bool Seeded, IReadOnlyList<string> SignIns, TimeSpan Elapsed)
{
    public static DemoReport None { get; } = new(false, [], TimeSpan.Zero);
}
