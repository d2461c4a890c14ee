using System.Globalization;
using Microsoft.JSInterop;
using Monfri.Application.Common.Time;

namespace Monfri.Web.Components.Shared;

/// <summary>
/// The browser's time zone, for showing times as the user's clock reads them. The server runs in UTC and a
/// Blazor circuit has no Accept-Language or zone of its own, so components ask the browser once after render.
/// </summary>
public static class BrowserTime
{
    /// <summary>The browser's zone id (IANA or offset) and zone; UTC when the browser cannot say.</summary>
    public static async Task<(string? Id, TimeZoneInfo Zone)> ZoneAsync(IJSRuntime js)
    {
        try
        {
            var id = await js.InvokeAsync<string?>("monfri.timeZone");
            return UserTimeZone.TryParse(id, out var zone) ? (id, zone) : (null, TimeZoneInfo.Utc);
        }
        catch (JSException)
        {
            return (null, TimeZoneInfo.Utc);
        }
    }

    /// <summary>The name under which the layout cascades the browser's zone (<see cref="LocalTime"/> reads it).</summary>
    public const string ZoneCascade = "BrowserZone";

    /// <summary>"12 Mar 2026" in <paramref name="zone"/>.</summary>
    public static string FormatDate(DateTimeOffset at, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(at, zone).ToString("d MMM yyyy", CultureInfo.InvariantCulture);

    /// <summary>"12 Mar 2026, 14:05" in <paramref name="zone"/>.</summary>
    public static string Format(DateTimeOffset at, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(at, zone).ToString("d MMM yyyy, HH:mm", CultureInfo.InvariantCulture);

    /// <summary>"14:05" in <paramref name="zone"/>.</summary>
    public static string FormatTime(DateTimeOffset at, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(at, zone).ToString("HH:mm", CultureInfo.InvariantCulture);

    /// <summary>The wall-clock time in <paramref name="zone"/> (for date/time inputs).</summary>
    public static DateTime ToLocal(DateTimeOffset at, TimeZoneInfo zone) => TimeZoneInfo.ConvertTime(at, zone).DateTime;

    /// <summary>A wall-clock time typed in <paramref name="zone"/> as an instant.</summary>
    public static DateTimeOffset FromLocal(DateTime local, TimeZoneInfo zone)
    {
        var wall = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        // A time skipped by a clock change is taken as the same wall time after the jump.
        while (zone.IsInvalidTime(wall))
        {
            wall = wall.AddMinutes(15);
        }

        return new DateTimeOffset(wall, zone.GetUtcOffset(wall));
    }
}
