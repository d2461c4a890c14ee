using Microsoft.Extensions.Options;
using Npgsql;

namespace Monfri.Infrastructure.Scheduling;

/// <summary>
/// Deletes finished jobs once they are no longer worth showing: succeeded ones after
/// <see cref="JobOptions.KeepSucceededFor"/> (a recurring kind adds a row per run), dead ones after
/// <see cref="JobOptions.KeepDeadFor"/>. Jobs still to run, or to retry, are never touched.
/// </summary>
public sealed class JobPruning(NpgsqlDataSource dataSource, TimeProvider clock, IOptions<JobOptions> options) : IJobHandler
{
    public const string Kind = "jobs.prune";

    public async Task RunAsync(JobRun job, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var command = dataSource.CreateCommand(
            """
            DELETE FROM jobs
            WHERE (state = 'Succeeded' AND finished_at < @succeeded) OR (state = 'Dead' AND finished_at < @dead)
            """);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("succeeded", now - options.Value.KeepSucceededFor));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("dead", now - options.Value.KeepDeadFor));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
