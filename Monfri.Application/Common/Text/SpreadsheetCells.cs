using System.Globalization;

namespace Monfri.Application.Common.Text;

/// <summary>
/// CSV injection: a cell that starts like a formula (<c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab, carriage return) is run
/// by a spreadsheet that opens the file, so exports write it behind an apostrophe, which spreadsheets show as text.
/// Monfri's own import takes that apostrophe off again, so an export imports back unchanged ("+33 6 11 11 11 11" is a
/// phone number, not "'+33 6 11 11 11 11").
/// </summary>
public static class SpreadsheetCells
{
    /// <summary><paramref name="value"/> as an export writes it: behind an apostrophe when it starts like a formula.</summary>
    public static string Guard(string value) => StartsLikeFormula(value) ? "'" + value : value;

    /// <summary><paramref name="value"/> as an import reads it: an export's apostrophe before a formula-like value removed.</summary>
    public static string Unguard(string value) =>
        value.Length > 1 && value[0] == '\'' && StartsLikeFormula(value.AsSpan(1)) ? value[1..] : value;

    // A plain negative number ("-12.5") is a number to a spreadsheet, not a formula, and stays readable as one;
    // "-2+3" or "-1+cmd|..." is not a plain number and is guarded.
    private static bool StartsLikeFormula(ReadOnlySpan<char> value) =>
        value.Length > 0 && value[0] switch
        {
            '=' or '+' or '@' or '\t' or '\r' => true,
            '-' => !decimal.TryParse(value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out _),
            _ => false,
        };
}
