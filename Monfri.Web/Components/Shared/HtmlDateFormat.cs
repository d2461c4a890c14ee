using System.Globalization;

namespace Monfri.Web.Components.Shared;

/// <summary>
/// The wire formats of the browser's date inputs. Whatever the user's language shows on screen (12/09/2026,
/// 09.12.2026, a 12- or 24-hour clock), the value a <c>date</c> input carries is <c>yyyy-MM-dd</c> and a
/// <c>datetime-local</c> input's is <c>yyyy-MM-ddTHH:mm</c> (with seconds when a step asks for them). These are
/// read and written with the invariant culture only: converting them with the server's or the user's culture is
/// what emptied every typed value (issue #11).
/// </summary>
public static class HtmlDateFormat
{
    public const string Date = "yyyy-MM-dd";
    public const string DateTimeLocal = "yyyy-MM-ddTHH:mm";

    private static readonly string[] DateTimeLocalReads = [DateTimeLocal, "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ss.FFF"];

    /// <summary>A wall-clock time as a <c>datetime-local</c> value ("" for none).</summary>
    public static string Format(DateTime? value) => value?.ToString(DateTimeLocal, CultureInfo.InvariantCulture) ?? "";

    /// <summary>A day as a <c>date</c> value ("" for none).</summary>
    public static string Format(DateOnly? value) => value?.ToString(Date, CultureInfo.InvariantCulture) ?? "";

    /// <summary>Reads a <c>datetime-local</c> value; empty text is no value; false when it is not one.</summary>
    public static bool TryParseDateTime(string? text, out DateTime? value)
    {
        value = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        if (DateTime.TryParseExact(text.Trim(), DateTimeLocalReads, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            value = parsed;
            return true;
        }

        return false;
    }

    /// <summary>Reads a <c>date</c> value; empty text is no value; false when it is not one.</summary>
    public static bool TryParseDate(string? text, out DateOnly? value)
    {
        value = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        if (DateOnly.TryParseExact(text.Trim(), Date, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            value = parsed;
            return true;
        }

        return false;
    }
}
