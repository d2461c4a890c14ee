namespace Monfri.Infrastructure.Postgres;

/// <summary>Finds the machine's PostgreSQL server programs (initdb, pg_ctl).</summary>
public static class PostgresBinaries
{
    public const string InstallHint = "Install them with: sudo apt-get install -y postgresql";

    /// <summary>
    /// The folder holding initdb and pg_ctl: the configured one, else the first on PATH, else the newest
    /// /usr/lib/postgresql/*/bin (Debian keeps server programs off PATH).
    /// </summary>
    public static string Locate(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return HasServer(configured)
                ? configured
                : throw new MonfriStartupException(
                    $"Monfri:Postgres:BinDirectory is '{configured}', but initdb and pg_ctl are not there. {InstallHint}");
        }

        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(HasServer);
        if (onPath is not null)
        {
            return onPath;
        }

        const string debianRoot = "/usr/lib/postgresql";
        var newest = Directory.Exists(debianRoot)
            ? Directory.GetDirectories(debianRoot)
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: double.TryParse(Path.GetFileName(d), System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : 0))
                .Where(c => HasServer(c.Dir))
                .OrderByDescending(c => c.Version)
                .Select(c => c.Dir)
                .FirstOrDefault()
            : null;

        return newest ?? throw new MonfriStartupException(
            "PostgreSQL server binaries (initdb, pg_ctl) were not found on PATH, in /usr/lib/postgresql/*/bin " +
            $"or in Monfri:Postgres:BinDirectory. {InstallHint} — or set ConnectionStrings__Monfri to use an existing server.");
    }

    private static bool HasServer(string dir) =>
        File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl"));
}
