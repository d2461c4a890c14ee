using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Monfri.Infrastructure.Scheduling;
using Npgsql;

namespace Monfri.Infrastructure.Import;

/// <summary>
/// An uploaded CSV is kept after its import finishes so the report of rejected rows can show each row as it was
/// uploaded; after <see cref="ImportOptions.KeepFilesFor"/> the file goes (the job, its counts and the reasons
/// stay, and the report lists the issues without the original values). Uploads hold personal data and can be
/// tens of megabytes: keeping every one forever is neither needed nor right.
/// </summary>
/// <remarks>A recurring job (<see cref="Kind"/>, every <see cref="Interval"/>) of the job scheduler.</remarks>
public sealed class ImportFileRetention(NpgsqlDataSource dataSource, TimeProvider clock, IOptions<ImportOptions> options, ILogger<ImportFileRetention> logger)
    : IJobHandler
{
    public const string Kind = "imports.drop-files";

    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    public Task RunAsync(JobRun job, CancellationToken cancellationToken) => RunOnceAsync(cancellationToken);

    /// <summary>Drops the files of imports that finished before the retention; the number of files dropped.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            UPDATE import_jobs SET content = NULL
            WHERE content IS NOT NULL AND status IN ('Completed', 'Failed') AND finished_at < $1
            """);
        // A negative setting means the same as zero: the file goes once the import has finished.
        var keep = options.Value.KeepFilesFor < TimeSpan.Zero ? TimeSpan.Zero : options.Value.KeepFilesFor;
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = clock.GetUtcNow() - keep });
        var dropped = await command.ExecuteNonQueryAsync(cancellationToken);
        if (dropped > 0)
        {
            logger.LogInformation("Dropped the uploaded files of {Count} import(s) finished more than {Days} days ago", dropped, keep.TotalDays);
        }

        return dropped;
    }
}
