using Bunit;
using Microsoft.AspNetCore.Components;
using Monfri.Web.Components.Shared;

namespace Monfri.Web.Tests.Components;

/// <summary>Lists, histories and pages show instants one way, on the user's clock (the layout cascades the browser's zone).</summary>
public sealed class LocalTimeTests : MudTestContext
{
    private static readonly DateTimeOffset At = new(2026, 11, 29, 10, 2, 0, TimeSpan.Zero);

    private string Shown(TimeZoneInfo? zone, DateTimeOffset? at, bool dateOnly = false, string empty = "") =>
        Render<CascadingValue<TimeZoneInfo?>>(p => p
            .Add(c => c.Name, BrowserTime.ZoneCascade)
            .Add(c => c.Value, zone)
            .AddChildContent<LocalTime>(t => t.Add(c => c.At, at).Add(c => c.DateOnly, dateOnly).Add(c => c.Empty, empty)))
            .Markup.Trim();

    [Fact]
    public void An_instant_reads_in_the_browsers_zone_in_the_one_format_of_every_screen()
    {
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

        Assert.Equal("29 Nov 2026, 11:02", Shown(berlin, At));
        Assert.Equal("29 Nov 2026", Shown(berlin, At, dateOnly: true));
        Assert.Equal("29 Nov 2026, 10:02", Shown(null, At));
        Assert.Equal("never", Shown(berlin, null, empty: "never"));
    }
}
