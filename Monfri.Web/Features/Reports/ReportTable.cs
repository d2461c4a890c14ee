using System.Globalization;
using System.Text;
using Monfri.Application.Common.Text;

namespace Monfri.Web.Features.Reports;

/// <summary>
/// The numbers behind a chart, as the table shows them and the CSV export writes them: the same rows, so what a
/// manager downloads is what they read.
/// </summary>
public sealed record ReportTable(IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Rows)
{
    public bool IsEmpty => Rows.Count == 0;

    /// <summary>RFC 4180 CSV; a cell that a spreadsheet would run as a formula is prefixed with an apostrophe.</summary>
    public string ToCsv()
    {
        var csv = new StringBuilder();
        foreach (var row in Rows.Prepend(Headers))
        {
            csv.AppendJoin(',', row.Select(Cell)).Append("\r\n");
        }

        return csv.ToString();
    }

    private static string Cell(string value)
    {
        value = SpreadsheetCells.Guard(value);
        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
    }
}

/// <summary>How the report pages write numbers (the invariant culture in the CSV too, so a file reads the same everywhere).</summary>
public static class ReportFormat
{
    public static string Money(decimal amount) => amount.ToString("#,0.##", CultureInfo.InvariantCulture);

    public static string Money(IEnumerable<Monfri.Application.Reports.CurrencyAmount> amounts) =>
        string.Join(" + ", amounts.Select(a => $"{Money(a.Amount)} {a.Currency}")) is { Length: > 0 } text ? text : "0";

    public static string Percent(double? rate) => rate is { } r ? r.ToString("0.#%", CultureInfo.InvariantCulture) : "—";

    public static string Days(double? days) => days is { } d ? d.ToString("0.#", CultureInfo.InvariantCulture) : "—";

    public static string Credit(double credit) => credit.ToString("0.##", CultureInfo.InvariantCulture);

    public static string Count(long count) => count.ToString("#,0", CultureInfo.InvariantCulture);
}
