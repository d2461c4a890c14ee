using Microsoft.Extensions.Logging.Abstractions;
using Monfri.Infrastructure.Postgres;
using Monfri.TestSupport;
using Npgsql;

namespace Monfri.E2E.Tests.Hosting;

/// <summary>The private cluster Monfri runs when no connection string is given: create, reuse, recover, stop.</summary>
public sealed class EmbeddedPostgresLifecycleTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"monfri-embedded-{Guid.NewGuid():N}");

    private EmbeddedPostgres Start() => EmbeddedPostgres.Start(new EmbeddedPostgresOptions { DataDirectory = _folder }, NullLogger.Instance);

    private static async Task<long> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private string PidFile => Path.Combine(_folder, "postgres", "postmaster.pid");

    [Fact]
    public async Task A_cluster_is_created_once_and_keeps_its_data_across_restarts()
    {
        int firstPort;
        using (var server = Start())
        {
            firstPort = server.Port;
            await ScalarAsync(server.ConnectionString, "CREATE TABLE kept (id int); INSERT INTO kept VALUES (1), (2); SELECT 1");
            Assert.True(File.Exists(PidFile));
        }

        Assert.False(File.Exists(PidFile), "the server must be stopped on shutdown");
        NpgsqlConnection.ClearAllPools();

        using var restarted = Start();
        Assert.Equal(2, await ScalarAsync(restarted.ConnectionString, "SELECT count(*) FROM kept"));
        Assert.Equal(firstPort, restarted.Port);
    }

    [Fact]
    public async Task A_stale_pid_file_from_a_crash_does_not_stop_the_next_start()
    {
        using (var server = Start())
        {
            await ScalarAsync(server.ConnectionString, "SELECT 1");
        }

        // As left by a machine that lost power: a pid file naming a process that no longer exists.
        await File.WriteAllTextAsync(PidFile, "999999\n" + Path.Combine(_folder, "postgres") + "\n");
        NpgsqlConnection.ClearAllPools();

        using var restarted = Start();
        Assert.Equal(1, await ScalarAsync(restarted.ConnectionString, "SELECT 1"));
    }

    [Fact]
    public void A_second_process_on_the_same_data_folder_is_refused_with_a_clear_message()
    {
        using var first = Start();

        var failure = Assert.Throws<MonfriStartupException>(Start);

        Assert.Contains("Another Monfri process is already using the data folder", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_binaries_fail_with_the_install_command()
    {
        var failure = Assert.Throws<MonfriStartupException>(() =>
            EmbeddedPostgres.Start(new EmbeddedPostgresOptions { DataDirectory = _folder, BinDirectory = "/nonexistent/bin" }, NullLogger.Instance));

        Assert.Contains("apt-get install -y postgresql", failure.Message, StringComparison.Ordinal);
        Assert.Contains("/nonexistent/bin", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_taken_port_fails_with_a_message_naming_it()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;

        var failure = Assert.Throws<MonfriStartupException>(() =>
            EmbeddedPostgres.Start(new EmbeddedPostgresOptions { DataDirectory = _folder, Port = port }, NullLogger.Instance));

        Assert.Contains($"Port {port}", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unwritable_data_folder_fails_with_a_message_naming_it()
    {
        // A folder inside a regular file can never be created, even by root.
        var file = Path.Combine(Path.GetTempPath(), $"monfri-file-{Guid.NewGuid():N}");
        File.WriteAllText(file, "");
        try
        {
            var failure = Assert.Throws<MonfriStartupException>(() =>
                EmbeddedPostgres.Start(new EmbeddedPostgresOptions { DataDirectory = Path.Combine(file, "data") }, NullLogger.Instance));

            Assert.Contains("is not writable", failure.Message, StringComparison.Ordinal);
            Assert.Contains("Monfri__DataDirectory", failure.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
