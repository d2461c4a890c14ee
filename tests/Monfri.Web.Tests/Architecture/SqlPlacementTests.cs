using System.Text.RegularExpressions;
using Monfri.TestSupport;

namespace Monfri.Web.Tests.Architecture;

/// <summary>
/// Set-based SQL lives in Infrastructure, behind ports the use cases call (DESIGN.md §1; issue 10): the
/// Application layer holds no SQL text and calls no raw-SQL API, so a schema change is made in one layer.
/// </summary>
public sealed partial class SqlPlacementTests
{
    /// <summary>Files allowed to keep SQL text, with why. Empty: keep it so.</summary>
    private static readonly HashSet<string> AllowList = [];

    /// <summary>A statement's opening words, as SQL is written in this code base (upper-case keywords).</summary>
    [GeneratedRegex(@"\b(SELECT\s|INSERT INTO|UPDATE \w+( \w+)? SET|DELETE FROM|CREATE TEMP|COPY \w+|ON CONFLICT)")]
    private static partial Regex Statement();

    /// <summary>C# string literals: raw ("""), verbatim and regular, interpolated or not.</summary>
    [GeneratedRegex(@"\$*""""""(.*?)""""""|\$?@""((?:[^""]|"""")*)""|@?\$?""((?:[^""\\\n]|\\.)*)""", RegexOptions.Singleline)]
    private static partial Regex Literal();

    [GeneratedRegex(@"\.(ExecuteSql\w*|SqlQuery\w*|FromSql\w*|GetDbConnection)\s*[<(]")]
    private static partial Regex RawSqlCall();

    [GeneratedRegex(@"^\s*///.*$", RegexOptions.Multiline)]
    private static partial Regex DocComment();

    private static IEnumerable<(string File, string Text)> ApplicationSources() =>
        Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "Monfri.Application"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => (Path.GetRelativePath(RepoPaths.Root, f).Replace('\\', '/'), DocComment().Replace(File.ReadAllText(f), "")));

    /// <summary>The SQL string literals in a source text (what the rule forbids; also how issue 10 counted 54).</summary>
    public static int CountSqlLiterals(string source) =>
        Literal().Matches(source).Count(m => Statement().IsMatch(m.Groups.Values.Skip(1).First(g => g.Success).Value));

    [Fact]
    public void The_application_layer_holds_no_sql_text()
    {
        var found = ApplicationSources()
            .Where(s => !AllowList.Contains(s.File))
            .Select(s => (s.File, Count: CountSqlLiterals(s.Text)))
            .Where(s => s.Count > 0)
            .Select(s => $"{s.File} ({s.Count})")
            .ToList();

        Assert.True(found.Count == 0, "SQL belongs behind a port in Infrastructure: " + string.Join(", ", found));
    }

    [Fact]
    public void The_application_layer_calls_no_raw_sql_api()
    {
        var found = ApplicationSources()
            .Where(s => !AllowList.Contains(s.File) && RawSqlCall().IsMatch(s.Text))
            .Select(s => s.File)
            .ToList();

        Assert.Empty(found);
    }

    [Fact]
    public void The_sql_text_rule_recognises_the_shapes_sql_was_written_in()
    {
        // The rule would pass vacuously if it recognised nothing: these are the shapes the 54 strings had.
        const string Samples =
            """"
            var a = $"UPDATE cdp_events SET person_id = {w} WHERE person_id = {l}";
            var b = """
                INSERT INTO deal_contacts (deal_id, person_id) SELECT deal_id, @w FROM deal_contacts
                """;
            var c = $$"""DELETE FROM cdp_trait_buckets WHERE trait_id = {{id}}""";
            var d = "SELECT key AS \"Value\" FROM cdp_identify_trait_keys";
            var e = "Selected contacts"; var f = "Update the deal";
            """";

        Assert.Equal(4, CountSqlLiterals(Samples));
    }
}
