using System.Globalization;
using System.Text.RegularExpressions;

namespace Monfri.Application.Common.Time;

/// <summary>
/// The time zone a user's browser reports, so "today" means their today. Accepts an IANA id
/// (<c>Europe/Berlin</c>, from <c>Intl.DateTimeFormat().resolvedOptions().timeZone</c>) or a fixed offset
/// (<c>+02:00</c>, <c>-0530</c>, <c>UTC+1</c>) for browsers that only give an offset. Empty means UTC.
/// </summary>
public static partial class UserTimeZone
{
    public static bool TryParse(string? value, out TimeZoneInfo zone)
    {
        zone = TimeZoneInfo.Utc;
        if (string.IsNullOrWhiteSpace(value))
        {
            return true;
        }

        var text = value.Trim();
        if (Offset().Match(text) is { Success: true } match)
        {
            var hours = int.Parse(match.Groups["h"].Value, CultureInfo.InvariantCulture);
            var minutes = match.Groups["m"].Success ? int.Parse(match.Groups["m"].Value, CultureInfo.InvariantCulture) : 0;
            if (hours > 14 || minutes > 59)
            {
                return false;
            }

            var offset = new TimeSpan(hours, minutes, 0) * (match.Groups["sign"].Value == "-" ? -1 : 1);
            zone = TimeZoneInfo.CreateCustomTimeZone($"UTC{(offset < TimeSpan.Zero ? "-" : "+")}{offset:hh\\:mm}", offset, null, null);
            return true;
        }

        if (text.Length > 64)
        {
            return false;
        }

        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(text);
            return true;
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return false;
        }
    }

    /// <summary>The first instant of the day after <paramref name="now"/>'s day in <paramref name="zone"/>.</summary>
    public static DateTimeOffset StartOfTomorrow(DateTimeOffset now, TimeZoneInfo zone)
    {
        var tomorrow = TimeZoneInfo.ConvertTime(now, zone).Date.AddDays(1);
        // Where clocks jump forward at midnight, local 00:00 does not exist; the day then starts at the jump.
        while (zone.IsInvalidTime(tomorrow))
        {
            tomorrow = tomorrow.AddMinutes(15);
        }

        return new DateTimeOffset(tomorrow, zone.GetUtcOffset(tomorrow)).ToUniversalTime();
    }

    [GeneratedRegex(@"^(?:UTC|GMT)?(?<sign>[+-])(?<h>\d{1,2})(?::?(?<m>\d{2}))?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Offset();
}
