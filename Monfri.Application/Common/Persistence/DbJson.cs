namespace Monfri.Application.Common.Persistence;

/// <summary>
/// JSON operators for queries over JSONB columns (custom fields). Translated to PostgreSQL's
/// <c>@&gt;</c> by Infrastructure, so use cases stay free of the provider package.
/// </summary>
public static class DbJson
{
    /// <summary><c>column @&gt; fragment::jsonb</c>: the JSON column contains the given JSON (a GIN index serves it).</summary>
    public static bool Contains(object column, string fragment) =>
        throw new InvalidOperationException("DbJson.Contains only runs inside a database query.");

    /// <summary><c>jsonb_extract_path_text(column, key)</c>: a top-level value as text (objects and arrays as JSON), null when absent.</summary>
    public static string? Text(object column, string key) =>
        throw new InvalidOperationException("DbJson.Text only runs inside a database query.");
}
