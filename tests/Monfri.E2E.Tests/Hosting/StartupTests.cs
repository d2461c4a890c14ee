using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Monfri.TestSupport;

namespace Monfri.E2E.Tests.Hosting;

/// <summary>Monfri as an operator starts it: embedded database, crashes, bad settings.</summary>
public sealed class StartupTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"monfri-startup-{Guid.NewGuid():N}");

    private static bool IsRunning(int pid) => File.Exists($"/proc/{pid}/cmdline") && !File.ReadAllText($"/proc/{pid}/stat").Split(' ')[2].Equals("Z", StringComparison.Ordinal);

    private int ServerPid() => int.Parse(File.ReadLines(Path.Combine(_folder, "postgres", "postmaster.pid")).First(), System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Without_a_connection_string_Monfri_runs_its_own_postgres_and_recovers_after_being_killed()
    {
        var settings = new Dictionary<string, string?> { ["ConnectionStrings__Monfri"] = null, ["Monfri__DataDirectory"] = _folder };
        var first = await MonfriProcess.StartAsync(settings);
        Assert.Contains("Monfri is running at", first.Output, StringComparison.Ordinal);
        Assert.Contains($"Sign in as {MonfriProcess.AdminEmail}", first.Output, StringComparison.Ordinal);
        var created = await first.AdminClient().PostAsJsonAsync("/api/v1/users", new { email = "survivor@e2e.test", displayName = "Survivor", password = "survivor-password", roles = new[] { "Sales" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var orphan = ServerPid();

        first.Kill();
        Assert.True(IsRunning(orphan), "after SIGKILL the server is orphaned; the next start must deal with it");

        await using var second = await MonfriProcess.StartAsync(settings);
        var users = await second.AdminClient().GetFromJsonAsync<JsonElement>("/api/v1/users");
        Assert.Contains(users.EnumerateArray(), u => u.GetProperty("email").GetString() == "survivor@e2e.test");
        var server = ServerPid();

        Assert.Equal(0, await second.StopAsync());
        await WaitUntilAsync(() => !IsRunning(server));
        Assert.False(File.Exists(Path.Combine(_folder, "postgres", "postmaster.pid")), "a graceful stop stops the embedded server");
    }

    [Fact]
    public async Task An_unreachable_connection_string_fails_fast_with_the_setting_and_host_and_no_stack_trace()
    {
        var port = MonfriProcess.FreePort();
        await using var app = await MonfriProcess.StartAsync(
            new Dictionary<string, string?> { ["ConnectionStrings__Monfri"] = $"Host=127.0.0.1;Port={port};Username=monfri;Password=x;Database=monfri;Timeout=3" },
            waitUntilReady: false);

        Assert.Equal(1, await app.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("ConnectionStrings__Monfri", app.Output, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{port}", app.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", app.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_postgres_binaries_fail_with_the_install_command()
    {
        await using var app = await MonfriProcess.StartAsync(
            new Dictionary<string, string?> { ["ConnectionStrings__Monfri"] = null, ["Monfri__DataDirectory"] = _folder, ["Monfri__Postgres__BinDirectory"] = "/nonexistent/postgres/bin" },
            waitUntilReady: false);

        Assert.Equal(1, await app.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("sudo apt-get install -y postgresql", app.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", app.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unwritable_data_folder_fails_with_a_clear_message()
    {
        await using var app = await MonfriProcess.StartAsync(
            new Dictionary<string, string?> { ["ConnectionStrings__Monfri"] = null, ["Monfri__DataDirectory"] = "/proc/monfri-cannot-be-here" },
            waitUntilReady: false);

        Assert.Equal(1, await app.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("/proc/monfri-cannot-be-here", app.Output, StringComparison.Ordinal);
        Assert.Contains("not writable", app.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_start_that_cannot_bind_its_port_exits_non_zero_and_leaves_no_postgres_running()
    {
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        await using var app = await MonfriProcess.StartAsync(
            new Dictionary<string, string?> { ["ConnectionStrings__Monfri"] = null, ["Monfri__DataDirectory"] = _folder },
            waitUntilReady: false, port: port);

        Assert.NotEqual(0, await app.WaitForExitAsync(TimeSpan.FromSeconds(120)));
        Assert.True(Directory.Exists(Path.Combine(_folder, "postgres")), $"the embedded server was started before the port was tried:\n{app.Output}");
        // The host logs the bind failure with its trace (at error, as it logs every failed start); Monfri's last word
        // names what to change.
        Assert.Contains($"Monfri could not start: Failed to bind to address http://127.0.0.1:{port}", app.Output, StringComparison.Ordinal);
        Assert.Contains("ASPNETCORE_URLS", app.Output, StringComparison.Ordinal);
        await WaitUntilAsync(() => PostgresProcessesOn(Path.Combine(_folder, "postgres")).Count == 0);
        Assert.False(File.Exists(Path.Combine(_folder, "postgres", "postmaster.pid")), "the embedded server must be stopped, not left behind");
    }

    [Fact]
    public async Task A_start_that_fails_in_a_way_nobody_handles_leaves_no_postgres_running_either()
    {
        // An address Kestrel cannot serve fails the start with an exception Program does not catch (a bug-like failure,
        // not an operator message): the process ends with it, and must still stop the server it started.
        await using var app = await MonfriProcess.StartAsync(
            new Dictionary<string, string?>
            {
                ["ConnectionStrings__Monfri"] = null, ["Monfri__DataDirectory"] = _folder, ["ASPNETCORE_URLS"] = $"ftp://127.0.0.1:{MonfriProcess.FreePort()}",
            },
            waitUntilReady: false);

        Assert.NotEqual(0, await app.WaitForExitAsync(TimeSpan.FromSeconds(120)));
        Assert.True(Directory.Exists(Path.Combine(_folder, "postgres")), $"the embedded server was started before the address was tried:\n{app.Output}");
        await WaitUntilAsync(() => PostgresProcessesOn(Path.Combine(_folder, "postgres")).Count == 0);
        Assert.False(File.Exists(Path.Combine(_folder, "postgres", "postmaster.pid")), "the embedded server must be stopped, not left behind");
    }

    /// <summary>Processes whose command line names this cluster folder (postgres -D …), found in /proc.</summary>
    private static List<int> PostgresProcessesOn(string clusterFolder)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                if (!IsRunning(pid))
                {
                    continue;
                }

                var args = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0');
                if (args.Length > 0 && Path.GetFileName(args[0]) == "postgres" && args.Contains(clusterFolder))
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
        }

        return found;
    }

    [Fact]
    public async Task Two_processes_starting_together_on_a_new_database_both_come_up()
    {
        var settings = new Dictionary<string, string?> { ["ConnectionStrings__Monfri"] = await TestPostgres.UnusedDatabaseAsync() };

        var both = await Task.WhenAll(MonfriProcess.StartAsync(settings), MonfriProcess.StartAsync(settings));

        foreach (var app in both)
        {
            Assert.Equal(HttpStatusCode.OK, (await app.AdminClient().GetAsync("/api/v1/me")).StatusCode);
            await app.DisposeAsync();
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(100);
        }

        Assert.True(condition());
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
    }
}
