namespace Monfri.Infrastructure.Postgres;

/// <summary>Settings of the private PostgreSQL cluster Monfri runs when no connection string is given.</summary>
public sealed class EmbeddedPostgresOptions
{
    /// <summary>Monfri's data folder; the cluster lives in its <c>postgres</c> sub-folder.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>Folder with initdb/pg_ctl; found automatically when empty.</summary>
    public string? BinDirectory { get; init; }

    /// <summary>Loopback port; a free one is picked (and reused on the next start) when empty.</summary>
    public int? Port { get; init; }

    public string Database { get; init; } = "monfri";

    /// <summary>Extra server settings, e.g. <c>fsync=off</c> for throwaway test clusters.</summary>
    public IReadOnlyDictionary<string, string> ServerSettings { get; init; } = new Dictionary<string, string>();
}
