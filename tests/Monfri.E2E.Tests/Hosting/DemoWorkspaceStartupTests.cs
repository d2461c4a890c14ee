using System.Net.Http.Json;
using System.Text.Json;
using Monfri.TestSupport;
using Npgsql;

namespace Monfri.E2E.Tests.Hosting;

/// <summary>The first start an evaluator sees: a new workspace with the demo on.</summary>
public sealed class DemoWorkspaceStartupTests
{
    [Fact]
    public async Task Two_processes_starting_together_on_a_new_database_seed_the_demo_once_and_print_its_logins()
    {
        var connectionString = await TestPostgres.UnusedDatabaseAsync();
        var settings = new Dictionary<string, string?> { ["ConnectionStrings__Monfri"] = connectionString, ["Monfri__Demo__Enabled"] = "true" };

        var both = await Task.WhenAll(MonfriProcess.StartAsync(settings), MonfriProcess.StartAsync(settings));

        try
        {
            // The contacts API belongs to another part of the product; the database says what was seeded.
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            Assert.Equal(3000L, await ScalarAsync(connection, "SELECT count(*) FROM people WHERE is_contact"));
            Assert.Equal(300L, await ScalarAsync(connection, "SELECT count(*) FROM companies"));
            Assert.Equal(400L, await ScalarAsync(connection, "SELECT count(*) FROM deals"));
            Assert.Equal(0L, await ScalarAsync(connection, "SELECT count(*) FROM audit_log"));
            foreach (var app in both)
            {
                Assert.Contains("Demo users (password demo-password-123): sales1@demo.monfri.local", app.Output, StringComparison.Ordinal);
            }

            var users = await both[0].AdminClient().GetFromJsonAsync<JsonElement>("/api/v1/users");
            var sales = users.EnumerateArray().Single(u => u.GetProperty("email").GetString() == "sales1@demo.monfri.local");
            Assert.Equal(["Sales"], sales.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        }
        finally
        {
            foreach (var app in both)
            {
                await app.DisposeAsync();
            }
        }
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
