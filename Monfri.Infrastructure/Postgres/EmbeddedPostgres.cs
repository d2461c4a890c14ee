using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Monfri.Infrastructure.Postgres;

/// <summary>
/// A private PostgreSQL cluster inside Monfri's data folder, run with the machine's PostgreSQL binaries.
/// Created on first start, reused afterwards; a server orphaned by an app that was killed is stopped and
/// restarted cleanly; stopped again on shutdown. When the app runs as root the server runs as the
/// <c>postgres</c> OS user, because PostgreSQL refuses to run as root.
/// </summary>
public sealed class EmbeddedPostgres : IDisposable
{
    private const string ServiceUser = "postgres";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);

    private readonly EmbeddedPostgresOptions _options;
    private readonly ILogger _logger;
    private readonly string _binDirectory;
    private readonly string _clusterDirectory;
    private readonly bool _runAsServiceUser;
    private FileStream? _folderLock;
    private bool _running;

    private EmbeddedPostgres(EmbeddedPostgresOptions options, ILogger logger, string binDirectory)
    {
        _options = options;
        _logger = logger;
        _binDirectory = binDirectory;
        _clusterDirectory = Path.Combine(DataDirectory, "postgres");
        _runAsServiceUser = Environment.IsPrivilegedProcess;
    }

    public string DataDirectory => Path.GetFullPath(_options.DataDirectory);
    public int Port { get; private set; }
    public string ConnectionString { get; private set; } = "";
    public string LogFile => Path.Combine(DataDirectory, "logs", "postgres.log");
    private string PasswordFile => Path.Combine(DataDirectory, "postgres.credentials");
    private string PortFile => Path.Combine(DataDirectory, "postgres.port");

    /// <summary>Creates (first time) or reuses the cluster, starts it and makes sure the database exists.</summary>
    public static EmbeddedPostgres Start(EmbeddedPostgresOptions options, ILogger logger)
    {
        var server = new EmbeddedPostgres(options, logger, PostgresBinaries.Locate(options.BinDirectory));
        try
        {
            server.StartCore();
            return server;
        }
        catch
        {
            server.ReleaseFolder();
            throw;
        }
    }

    private void StartCore()
    {
        PrepareDataFolder();
        var password = EnsureCluster();
        StopOrphanedServer();
        Port = ChoosePort();
        StartServer();
        _running = true;
        File.WriteAllText(PortFile, Port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var admin = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = ServiceUser,
            Password = password,
            Database = "postgres",
            Pooling = false,
        };
        EnsureDatabase(admin.ConnectionString, _options.Database);
        admin.Database = _options.Database;
        admin.Pooling = true;
        ConnectionString = admin.ConnectionString;
        _logger.LogInformation("Embedded PostgreSQL is running on 127.0.0.1:{Port} with data in {Folder}", Port, _clusterDirectory);
    }

    private void PrepareDataFolder()
    {
        try
        {
            Directory.CreateDirectory(DataDirectory);
            var probe = Path.Combine(DataDirectory, $".write-probe-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            throw new MonfriStartupException(
                $"Monfri's data folder '{DataDirectory}' is not writable ({ex.Message}). " +
                "Choose another folder with Monfri__DataDirectory, or fix its permissions.", ex);
        }

        try
        {
            // Held for the life of the process; the OS releases it if the process is killed.
            _folderLock = new FileStream(Path.Combine(DataDirectory, "monfri.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new MonfriStartupException(
                $"Another Monfri process is already using the data folder '{DataDirectory}'. " +
                "Stop it, or give this one its own Monfri__DataDirectory.", ex);
        }

        // The server (possibly another OS user) writes its log here.
        Directory.CreateDirectory(Path.GetDirectoryName(LogFile)!);
        if (_runAsServiceUser)
        {
            GrantTraversal(DataDirectory);
            Chown(Path.GetDirectoryName(LogFile)!);
        }
    }

    /// <summary>Returns the superuser password, creating the cluster on first start.</summary>
    private string EnsureCluster()
    {
        if (File.Exists(Path.Combine(_clusterDirectory, "PG_VERSION")))
        {
            CheckVersion();
            return File.Exists(PasswordFile)
                ? File.ReadAllText(PasswordFile).Trim()
                : throw new MonfriStartupException(
                    $"The cluster in '{_clusterDirectory}' exists but its credentials file '{PasswordFile}' is missing. " +
                    "Restore it, or move the folder away to start with a new database.");
        }

        if (Directory.Exists(_clusterDirectory) && Directory.EnumerateFileSystemEntries(_clusterDirectory).Any())
        {
            throw new MonfriStartupException(
                $"'{_clusterDirectory}' is not empty but holds no PostgreSQL cluster. Move it away and start again.");
        }

        _logger.LogInformation("Creating a PostgreSQL cluster in {Folder} (first start)", _clusterDirectory);
        Directory.CreateDirectory(_clusterDirectory);
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        File.WriteAllText(PasswordFile, password);
        File.SetUnixFileMode(PasswordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        // initdb reads the password from a file the service user can read; it is removed right after.
        var pwFile = Path.Combine(_clusterDirectory, "..", $".pw-{Environment.ProcessId}");
        File.WriteAllText(pwFile, password);
        try
        {
            if (_runAsServiceUser)
            {
                Chown(_clusterDirectory);
                Chown(pwFile);
            }

            File.SetUnixFileMode(_clusterDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var init = new List<string>
            {
                "-D", _clusterDirectory, "-U", ServiceUser, "--auth=scram-sha-256", $"--pwfile={Path.GetFullPath(pwFile)}",
                "-E", "UTF8", "--no-instructions",
            };
            var (code, output) = RunTool("initdb", [.. init, "--locale=C.UTF-8"]);
            if (code != 0 && output.Contains("locale", StringComparison.OrdinalIgnoreCase))
            {
                ClearDirectory(_clusterDirectory);
                (code, output) = RunTool("initdb", [.. init, "--locale=C"]);
            }

            if (code != 0)
            {
                throw new MonfriStartupException($"initdb could not create the PostgreSQL cluster in '{_clusterDirectory}':\n{output.Trim()}");
            }
        }
        finally
        {
            File.Delete(pwFile);
        }

        return password;
    }

    private void CheckVersion()
    {
        var clusterVersion = File.ReadAllText(Path.Combine(_clusterDirectory, "PG_VERSION")).Trim();
        var (_, output) = RunTool("pg_ctl", ["--version"], asServiceUser: false);
        var binaryVersion = output.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()?.Split('.')[0];
        if (binaryVersion is not null && binaryVersion != clusterVersion)
        {
            throw new MonfriStartupException(
                $"The cluster in '{_clusterDirectory}' was created by PostgreSQL {clusterVersion}, but the binaries in " +
                $"'{_binDirectory}' are version {binaryVersion}. Set Monfri__Postgres__BinDirectory to PostgreSQL {clusterVersion}'s bin folder.");
        }
    }

    /// <summary>
    /// A previous Monfri process killed with SIGKILL leaves its server running (or a stale pid file). The
    /// server is stopped so this process starts one it owns, on the port it chooses.
    /// </summary>
    private void StopOrphanedServer()
    {
        var pidFile = Path.Combine(_clusterDirectory, "postmaster.pid");
        if (!File.Exists(pidFile))
        {
            return;
        }

        var firstLine = File.ReadLines(pidFile).FirstOrDefault();
        if (int.TryParse(firstLine, out var pid) && IsPostgresProcess(pid))
        {
            _logger.LogWarning("Found a PostgreSQL server (pid {Pid}) left running by a previous Monfri process; restarting it", pid);
            var (code, output) = RunTool("pg_ctl", ["stop", "-D", _clusterDirectory, "-m", "fast", "-w", "-t", "60"]);
            if (code != 0 && IsPostgresProcess(pid))
            {
                throw new MonfriStartupException($"Could not stop the orphaned PostgreSQL server (pid {pid}):\n{output.Trim()}");
            }
        }
        else
        {
            _logger.LogWarning("Removing a stale PostgreSQL pid file (pid {Pid} is not running)", firstLine);
            File.Delete(pidFile);
        }
    }

    private int ChoosePort()
    {
        if (_options.Port is { } configured)
        {
            return IsPortFree(configured)
                ? configured
                : throw new MonfriStartupException(
                    $"Port {configured} (Monfri:Postgres:Port) is already in use on 127.0.0.1. " +
                    "Choose another port, or leave the setting empty to pick a free one.");
        }

        if (File.Exists(PortFile) && int.TryParse(File.ReadAllText(PortFile), out var previous) && IsPortFree(previous))
        {
            return previous;
        }

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Memory and WAL settings for an event store rather than PostgreSQL's tiny defaults (128 MB of buffers, a
    /// checkpoint every 1 GB of WAL): a quarter of the machine's memory for buffers (at most 4 GB), so the event and
    /// dedupe indexes stay in memory while they are written, and checkpoints far enough apart that a heavy ingest is
    /// not spent writing whole pages into the WAL again after each one. Server settings given in the options win.
    /// </summary>
    private static Dictionary<string, string> SizedForThisMachine()
    {
        var memoryMb = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024 * 1024);
        var buffersMb = Math.Clamp(memoryMb / 4, 128, 4096);
        return new Dictionary<string, string>
        {
            ["shared_buffers"] = $"{buffersMb}MB",
            ["effective_cache_size"] = $"{Math.Max(buffersMb, memoryMb / 2)}MB",
            ["maintenance_work_mem"] = $"{Math.Clamp(memoryMb / 32, 64, 1024)}MB",
            ["max_wal_size"] = "4GB",
            ["checkpoint_timeout"] = "15min",
        };
    }

    private void StartServer()
    {
        var settings = new Dictionary<string, string>
        {
            ["listen_addresses"] = "127.0.0.1",
            ["port"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // TCP only: a socket path inside a deep data folder can exceed the 107-byte limit.
            ["unix_socket_directories"] = "''",
            ["max_connections"] = "200",
        };
        foreach (var (key, value) in SizedForThisMachine())
        {
            settings[key] = value;
        }

        foreach (var (key, value) in _options.ServerSettings)
        {
            settings[key] = value;
        }

        var serverOptions = string.Join(' ', settings.Select(s => $"-c {s.Key}={s.Value}"));
        var (code, output) = RunTool("pg_ctl", ["start", "-D", _clusterDirectory, "-l", LogFile, "-w", "-t", "60", "-o", serverOptions]);
        if (code != 0)
        {
            var log = TailLog();
            var reason = log.Contains("Address already in use", StringComparison.OrdinalIgnoreCase)
                ? $"port {Port} on 127.0.0.1 is already in use (set Monfri__Postgres__Port to a free port)"
                : "see below";
            throw new MonfriStartupException($"The embedded PostgreSQL server did not start: {reason}.\n{output.Trim()}\n{log}");
        }
    }

    private static void EnsureDatabase(string adminConnectionString, string database)
    {
        using var connection = new NpgsqlConnection(adminConnectionString);
        connection.Open();
        using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", database);
        if (exists.ExecuteScalar() is null)
        {
            using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.Replace("\"", "\"\"")}\"", connection);
            create.ExecuteNonQuery();
        }
    }

    /// <summary>Stops the server (fast shutdown: open transactions roll back, nothing committed is lost).</summary>
    public void Stop()
    {
        if (_running)
        {
            _running = false;
            var (code, output) = RunTool("pg_ctl", ["stop", "-D", _clusterDirectory, "-m", "fast", "-w", "-t", "60"]);
            if (code != 0)
            {
                _logger.LogWarning("Stopping embedded PostgreSQL failed: {Output}", output.Trim());
            }
            else
            {
                _logger.LogInformation("Embedded PostgreSQL stopped");
            }
        }

        ReleaseFolder();
    }

    public void Dispose() => Stop();

    private void ReleaseFolder()
    {
        _folderLock?.Dispose();
        _folderLock = null;
    }

    /// <summary>Runs a PostgreSQL program from the bin folder (as the service user when needed) or, for a
    /// system command such as chown, the one on PATH as this process.</summary>
    private (int ExitCode, string Output) RunTool(string tool, IReadOnlyList<string> arguments, bool asServiceUser = true, bool systemCommand = false)
    {
        var executable = systemCommand ? tool : Path.Combine(_binDirectory, tool);
        asServiceUser &= !systemCommand;
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        if (asServiceUser && _runAsServiceUser)
        {
            start.FileName = "runuser";
            foreach (var arg in (string[])["-u", ServiceUser, "--", executable])
            {
                start.ArgumentList.Add(arg);
            }
        }
        else
        {
            start.FileName = executable;
        }

        foreach (var arg in arguments)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["LC_ALL"] = "C.UTF-8";
        using var process = Process.Start(start)
            ?? throw new MonfriStartupException($"Could not run {executable}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(CommandTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new MonfriStartupException($"{tool} did not finish within {CommandTimeout.TotalSeconds:0} seconds.");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private string TailLog() =>
        File.Exists(LogFile) ? string.Join('\n', File.ReadLines(LogFile).TakeLast(15)) : "";

    private static bool IsPortFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static bool IsPostgresProcess(int pid)
    {
        var cmdline = $"/proc/{pid}/cmdline";
        try
        {
            return File.Exists(cmdline) && File.ReadAllText(cmdline).Contains("postgres", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    private void Chown(string path)
    {
        var (code, output) = RunTool("chown", [ServiceUser, path], systemCommand: true);
        if (code != 0)
        {
            throw new MonfriStartupException($"Could not hand '{path}' to the {ServiceUser} OS user: {output.Trim()}");
        }
    }

    /// <summary>
    /// The server runs as the postgres user, who must be able to reach the cluster folder. Folders above it
    /// get the search bit for others (enter, not list) when they lack it, e.g. /root.
    /// </summary>
    private void GrantTraversal(string folder)
    {
        for (var dir = new DirectoryInfo(folder); dir is not null; dir = dir.Parent)
        {
            var mode = File.GetUnixFileMode(dir.FullName);
            if (!mode.HasFlag(UnixFileMode.OtherExecute))
            {
                _logger.LogInformation("Letting the postgres OS user pass through {Folder} (adds o+x)", dir.FullName);
                File.SetUnixFileMode(dir.FullName, mode | UnixFileMode.OtherExecute);
            }
        }
    }

    private static void ClearDirectory(string path)
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(path))
        {
            if (Directory.Exists(entry))
            {
                Directory.Delete(entry, recursive: true);
            }
            else
            {
                File.Delete(entry);
            }
        }
    }
}
