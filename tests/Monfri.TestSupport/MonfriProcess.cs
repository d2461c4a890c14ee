using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Monfri.TestSupport;

/// <summary>
/// A real Monfri process (the built Monfri.Web.dll on a real Kestrel port), as an operator would run it.
/// Used by end-to-end tests: browsers, SDK clients, crashes (SIGKILL) and several nodes on one database.
/// </summary>
public sealed class MonfriProcess : IAsyncDisposable
{
    public const string AdminEmail = "admin@e2e.test";
    public const string AdminPassword = "e2e-admin-password";
    public const string AdminToken = "mfp_e2e_admin_token_0123456789abcdef";

    private readonly ConcurrentQueue<string> _output = new();
    private readonly Process _process;

    private MonfriProcess(Process process, int port)
    {
        _process = process;
        Port = port;
        BaseUrl = $"http://127.0.0.1:{port}";
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Port { get; }
    public string BaseUrl { get; }
    public int ProcessId => _process.Id;
    public string Output => string.Join('\n', _output);
    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Starts Monfri with the given settings (environment variables, e.g. <c>ConnectionStrings__Monfri</c>
    /// or <c>Monfri__DataDirectory</c>). The bootstrap admin and its API token are always provisioned; the demo
    /// data is not, unless the settings turn it on.
    /// </summary>
    public static async Task<MonfriProcess> StartAsync(IDictionary<string, string?> settings, bool waitUntilReady = true, int? port = null)
    {
        port ??= FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepoPaths.WebProject,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(RepoPaths.WebAssembly);
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Monfri__Bootstrap__AdminEmail"] = AdminEmail;
        start.Environment["Monfri__Bootstrap__AdminPassword"] = AdminPassword;
        start.Environment["Monfri__Bootstrap__AdminApiToken"] = AdminToken;
        // Tests start on an empty workspace unless they ask for the demo (Monfri__Demo__Enabled=true).
        start.Environment["Monfri__Demo__Enabled"] = "false";
        // A test suite or benchmark signs in and calls the API from one address far more often than people do;
        // the limits themselves are tested with their own settings (RateLimitTests).
        start.Environment["Monfri__RateLimits__SignInsPerMinute"] = "100000";
        start.Environment["Monfri__RateLimits__FailedSignInsPerHour"] = "100000";
        start.Environment["Monfri__RateLimits__ApiRequestsPerMinute"] = "10000000";
        start.Environment["Monfri__RateLimits__UnauthenticatedApiRequestsPerMinute"] = "100000";
        // A test that turns the demo on gets its CRM data only, unless it asks for the event history or live traffic.
        start.Environment["Monfri__Demo__History__Visitors"] = "0";
        start.Environment["Monfri__Demo__LiveTraffic__EventsPerSecond"] = "0";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        foreach (var (key, value) in settings)
        {
            if (value is null)
            {
                start.Environment.Remove(key);
            }
            else
            {
                start.Environment[key] = value;
            }
        }

        var process = new MonfriProcess(Process.Start(start)!, port.Value);
        if (waitUntilReady)
        {
            await process.WaitUntilReadyAsync();
        }

        return process;
    }

    public async Task WaitUntilReadyAsync(TimeSpan? timeout = null)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Monfri exited with {_process.ExitCode} before it was ready:\n{Output}");
            }

            try
            {
                if ((await http.GetAsync($"{BaseUrl}/health/ready")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"Monfri was not ready in time:\n{Output}");
    }

    /// <summary>An HTTP client that authenticates as the bootstrap admin with its API token.</summary>
    public HttpClient AdminClient()
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminToken);
        return client;
    }

    /// <summary>SIGKILL: no shutdown code runs, as after a crash or an OOM kill.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: false);
        _process.WaitForExit(10_000);
    }

    /// <summary>SIGTERM and wait: a graceful shutdown, as `systemctl stop` or Ctrl+C would do.</summary>
    public async Task<int> StopAsync()
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                await StopAsync();
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }
}

/// <summary>Where the repository's pieces are, found from the test assembly's location.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>Debug or Release: the same configuration the tests were built with.</summary>
    public static string Configuration { get; } = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    public static string WebProject => Path.Combine(Root, "Monfri.Web");

    public static string WebAssembly => Path.Combine(WebProject, "bin", Configuration, "net10.0", "Monfri.Web.dll");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Monfri.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Monfri.sln not found above " + AppContext.BaseDirectory);
    }
}
