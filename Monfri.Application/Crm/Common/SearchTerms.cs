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
}
