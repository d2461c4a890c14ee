using Monfri.Infrastructure.Persistence;
using Monfri.TestSupport;
using Npgsql;

namespace Monfri.Application.Tests.Persistence;

/// <summary>
/// The one list of person-referencing tables (merges by ingest and by hand, and the privacy eraser, go through
/// it) against the migrated schema: a column added later that points at a person must join the list, or a merge
/// would lose its rows with the absorbed person and an erasure would leave them behind.
/// </summary>
public sealed class PersonTablesTests
{
    /// <summary>Every foreign key to <c>people</c>, and every column named like a person's id (events are partitioned and carry no foreign key).</summary>
    private const string PersonColumns =
        """
        SELECT c.relname, a.attname FROM pg_constraint k
        JOIN pg_class c ON c.oid = k.conrelid
        JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = ANY (k.conkey)
        WHERE k.contype = 'f' AND k.confrelid = 'people'::regclass AND NOT c.relispartition
        UNION
        SELECT c.relname, a.attname FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND a.attnum > 0 AND NOT a.attisdropped
          AND (a.attname LIKE '%person_id' OR a.attname IN ('winner_id', 'loser_id'))
        """;

    private static async Task<HashSet<(string Table, string Column)>> SchemaAsync()
    {
        await using var connection = new NpgsqlConnection(await TestPostgres.CreateDatabaseAsync("person_tables"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(PersonColumns, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var found = new HashSet<(string, string)>();
        while (await reader.ReadAsync())
        {
            found.Add((reader.GetString(0), reader.GetString(1)));
        }

        return found;
    }

    [Fact]
    public async Task Every_column_that_references_a_person_is_in_the_person_tables_list()
    {
        var schema = await SchemaAsync();
        var listed = PersonTables.All.Select(t => (t.Table, t.Column)).ToHashSet();

        Assert.Contains(("cdp_events", "person_id"), schema);
        Assert.Empty(schema.Except(listed).Order());
    }

    [Fact]
    public async Task The_person_tables_list_names_only_columns_the_schema_has()
    {
        var schema = await SchemaAsync();

        Assert.Empty(PersonTables.All.Select(t => (t.Table, t.Column)).Except(schema).Order());
    }

    [Fact]
    public void Each_table_either_follows_a_merge_or_says_why_not()
    {
        Assert.All(PersonTables.All, t => Assert.True(t.Merge.Count > 0 || t.Why.Length > 0, $"{t.Table}.{t.Column}"));
        Assert.All(PersonTables.Merged, t => Assert.All(t.Merge, sql => Assert.Contains("@l", sql, StringComparison.Ordinal)));
        Assert.Equal(PersonTables.All.Count, PersonTables.All.Select(t => (t.Table, t.Column)).Distinct().Count());
    }
}
