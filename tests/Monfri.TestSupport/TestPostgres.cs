using Microsoft.Extensions.Logging.Abstractions;
using Monfri.Infrastructure.Persistence;
using Monfri.Infrastructure.Postgres;
using Npgsql;

namespace Monfri.TestSupport;

/// <summary>
/// The one PostgreSQL cluster of a test run. `./monfri.sh test` starts it and passes MONFRI_TEST_PG;
/// run from an IDE, the first test starts a throwaway embedded cluster instead. Each test class gets a
/// fresh database cloned from a migrated template, which takes milliseconds instead of a migration run.
/// </summary>
public static class TestPostgres
{
    private static readonly Lazy<Task<string>> Server = new(StartServerAsync);
    private static readonly SemaphoreSlim TemplateGate = new(1, 1);
    private static string? _template;

    public static async Task<string> ServerConnectionStringAsync() => await Server.Value;

    /// <summary>A new, migrated, empty database; its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string? hint = null)
    {
        var server = await Server.Value;
        var template = await EnsureTemplateAsync(server);
        var name = $"t_{Sanitize(hint)}_{Guid.NewGuid():N}";
        await using (var admin = await OpenAsync(server))
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"", admin);
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    /// <summary>A database that does not exist yet (for tests of start-up creating it).</summary>
    public static async Task<string> UnusedDatabaseAsync() =>
        new NpgsqlConnectionStringBuilder(await Server.Value) { Database = $"fresh_{Guid.NewGuid():N}" }.ConnectionString;

    private static async Task<string> EnsureTemplateAsync(string server)
    {
        if (_template is not null)
        {
            return _template;
        }

        await TemplateGate.WaitAsync();
        try
        {
            if (_template is not null)
            {
                return _template;
            }

            // Named after the migrations, so a new migration makes a new template; several test
            // processes may race to build it, so it is built under a name of its own and renamed.
            var migrations = typeof(MonfriDbContext).Assembly.GetTypes()
                .Where(t => t.Namespace?.EndsWith("Migrations", StringComparison.Ordinal) == true && t.Name.Contains('_'))
                .Select(t => t.Name).Order().ToList();
            var name = $"tpl_{(uint)string.Join(",", migrations).GetDeterministicHash():x8}";
            await using var admin = await OpenAsync(server);
            await using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @n", admin))
            {
                exists.Parameters.AddWithValue("n", name);
                if (await exists.ExecuteScalarAsync() is not null)
                {
                    return _template = name;
                }
            }

            var building = $"{name}_b{Environment.ProcessId}";
            var connection = new NpgsqlConnectionStringBuilder(server) { Database = building, Pooling = false }.ConnectionString;
            await using (var dataSource = new NpgsqlDataSourceBuilder(connection).Build())
            {
                var factory = new TestDbContextFactory(dataSource);
                await new DatabaseInitializer(dataSource, factory, NullLogger<DatabaseInitializer>.Instance).MigrateAsync(CancellationToken.None);
            }

            NpgsqlConnection.ClearAllPools();
            await using var rename = new NpgsqlCommand($"ALTER DATABASE \"{building}\" RENAME TO \"{name}\"", admin);
            try
            {
                await rename.ExecuteNonQueryAsync();
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DuplicateDatabase)
            {
                await using var drop = new NpgsqlCommand($"DROP DATABASE \"{building}\"", admin);
                await drop.ExecuteNonQueryAsync();
            }

            return _template = name;
        }
        finally
        {
            TemplateGate.Release();
        }
    }

    private static async Task<NpgsqlConnection> OpenAsync(string server)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static Task<string> StartServerAsync()
    {
        if (Environment.GetEnvironmentVariable("MONFRI_TEST_PG") is { Length: > 0 } given)
        {
            return Task.FromResult(given);
        }

        var folder = Path.Combine(Path.GetTempPath(), $"monfri-tests-{Environment.ProcessId}");
        var server = EmbeddedPostgres.Start(
            new EmbeddedPostgresOptions
            {
                DataDirectory = folder,
                Database = "postgres",
                ServerSettings = new Dictionary<string, string> { ["fsync"] = "off", ["full_page_writes"] = "off", ["max_connections"] = "300" },
            },
            NullLogger.Instance);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            server.Stop();
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        return Task.FromResult(server.ConnectionString);
    }

    private static string Sanitize(string? hint) =>
        new string((hint ?? "db").ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).Take(20).ToArray()) is { Length: > 0 } s ? s : "db";

    private static int GetDeterministicHash(this string text)
    {
        unchecked
        {
            var hash = 23;
            foreach (var c in text)
            {
                hash = hash * 31 + c;
            }

            return hash;
        }
    }

    private sealed class TestDbContextFactory(NpgsqlDataSource dataSource) : Microsoft.EntityFrameworkCore.IDbContextFactory<MonfriDbContext>
    {
        public MonfriDbContext CreateDbContext()
        {
            var options = new Microsoft.EntityFrameworkCore.DbContextOptionsBuilder<MonfriDbContext>();
            options.UseMonfriNpgsql(dataSource);
            return new MonfriDbContext(options.Options);
        }
    }
}
