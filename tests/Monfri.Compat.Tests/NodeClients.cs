using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Monfri.TestSupport;

namespace Monfri.Compat.Tests;

/// <summary>
/// The official npm clients, pinned in node/package-lock.json and installed into node/node_modules with
/// <c>npm ci</c> once per test run. The install is skipped when node_modules was installed from the same lock file
/// (a marker holds the lock file's hash), so a developer's second run costs nothing; CI's fresh clone installs.
/// </summary>
public static class NodeClients
{
    private static readonly Lazy<Task> Install = new(InstallAsync);

    public static string Folder { get; } = Path.Combine(RepoPaths.Root, "tests", "Monfri.Compat.Tests", "node");

    public static string NodeModules => Path.Combine(Folder, "node_modules");

    public static Task EnsureInstalledAsync() => Install.Value;

    private static async Task InstallAsync()
    {
        var lockHash = Convert.ToHexString(SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(Folder, "package-lock.json"))));
        var marker = Path.Combine(NodeModules, ".monfri-lock-hash");
        if (File.Exists(marker) && (await File.ReadAllTextAsync(marker)).Trim() == lockHash)
        {
            return;
        }

        var result = await RunAsync("npm", ["ci", "--no-audit", "--no-fund", "--prefer-offline"], TimeSpan.FromMinutes(5));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"npm ci failed ({result.ExitCode}):\n{result.Output}");
        }

        await File.WriteAllTextAsync(marker, lockHash);
    }

    /// <summary>Runs one of node/scripts/*.cjs to completion; its exit code and everything it printed.</summary>
    public static async Task<(int ExitCode, string Output)> RunScriptAsync(string script, IEnumerable<string> args, TimeSpan timeout)
    {
        await EnsureInstalledAsync();
        return await RunAsync("node", [Path.Combine("scripts", script), .. args], timeout);
    }

    /// <summary>Starts a script that keeps running; the caller reads its output and ends it.</summary>
    public static async Task<Process> StartScriptAsync(string script, IEnumerable<string> args, Action<string> onLine)
    {
        await EnsureInstalledAsync();
        var start = Start("node", [Path.Combine("scripts", script), .. args]);
        start.RedirectStandardInput = true;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { onLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { onLine("stderr: " + e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static ProcessStartInfo Start(string file, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["NO_UPDATE_NOTIFIER"] = "1";
        return start;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, IEnumerable<string> args, TimeSpan timeout)
    {
        using var process = Process.Start(Start(file, args))!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish within {timeout}:\n{output}");
        }

        process.WaitForExit();
        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }
}
