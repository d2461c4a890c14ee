namespace Monfri.Infrastructure.Import;

/// <summary>Settings of the import workers (section <c>Monfri:Import</c>).</summary>
public sealed class ImportOptions
{
    public const string Section = "Monfri:Import";

    /// <summary>Rows per transaction: large enough for COPY to pay off, small enough that locks are short and a crash loses little.</summary>
    public int BatchSize { get; set; } = 1000;

    /// <summary>Imports one process runs at the same time (the job scheduler's lanes for the import kind).</summary>
    public int Workers { get; set; } = 2;

    /// <summary>How long a finished import keeps its uploaded file for the report of rejected rows (30 days).</summary>
    public TimeSpan KeepFilesFor { get; set; } = TimeSpan.FromDays(30);
}
