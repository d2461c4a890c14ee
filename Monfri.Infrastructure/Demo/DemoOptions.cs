namespace Monfri.Infrastructure.Demo;

/// <summary>Monfri:Demo — whether a new, empty workspace is filled with demo data on its first start, and how much of it moves.</summary>
public sealed class DemoOptions
{
    public const string Section = "Monfri:Demo";

    /// <summary>On by default so a first <c>./monfri.sh run</c> shows a living CRM; a real workspace turns it off.</summary>
    public bool Enabled { get; set; } = true;

    public DemoHistoryOptions History { get; set; } = new();

    public DemoLiveTrafficOptions LiveTraffic { get; set; } = new();
}

/// <summary>Monfri:Demo:History — the 90 days of generated website and backend events a demo start sends through the intake.</summary>
public sealed class DemoHistoryOptions
{
    /// <summary>
    /// Anonymous visitors of the demo website over the 90 days (the demo's contacts come on top); about 6 events
    /// each, so the default gives the 300,000+ events a first start shows. 0 sends no history (tests that need none).
    /// </summary>
    public int Visitors { get; set; } = 50_000;
}

/// <summary>Monfri:Demo:LiveTraffic — the trickle of generated visitors a demo workspace receives while it runs.</summary>
public sealed class DemoLiveTrafficOptions
{
    /// <summary>Events per second sent to Monfri's own collection endpoint; 0 turns the generator off.</summary>
    public double EventsPerSecond { get; set; } = 2;
}

/// <summary>What start-up did about the demo workspace, for the console banner.</summary>
/// <param name="Seeded">True when this start created the demo data.</param>
/// <param name="SignIns">One active demo login per role (empty when there are none to show).</param>
/// <param name="Elapsed">How long seeding took (zero when nothing was seeded).</param>
public sealed record DemoReport(bool Seeded, IReadOnlyList<string> SignIns, TimeSpan Elapsed)
{
    public static DemoReport None { get; } = new(false, [], TimeSpan.Zero);

    /// <summary>True when the workspace is a demo (seeded now or on an earlier start): the banner points at the live screens.</summary>
    public bool IsDemo { get; init; }
}
