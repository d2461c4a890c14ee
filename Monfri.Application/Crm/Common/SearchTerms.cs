namespace Monfri.Application.Crm.Common;

/// <summary>Turns what a user typed into a LIKE pattern for the trigram-indexed search columns.</summary>
public static class SearchTerms
{
    /// <summary>Shadow column (lower-cased name, email, …) on people, companies and deals.</summary>
    public const string Column = "SearchText";

    public static string? ToPattern(string? search)
    {
        if (string.IsNullOrWhiteSpace(search))
        {
            return null;
        }

        var escaped = search.Trim().ToLowerInvariant().Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
        return $"%{escaped}%";
    }

    /// <summary>
    /// The search as a one-element array when it is a whole email address, to match other emails exactly:
    /// <c>other_emails @&gt; ARRAY[address]</c> is answered by the GIN index on that column.
    /// </summary>
    public static string[]? AsEmail(string? search) =>
        search?.Trim().ToLowerInvariant() is { } text && text.Contains('@', StringComparison.Ordinal) && !text.Contains(' ', StringComparison.Ordinal) ? [text] : null;
}
