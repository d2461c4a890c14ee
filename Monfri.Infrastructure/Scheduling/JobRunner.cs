using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Monfri.Application.Common.Jobs;
using Npgsql;

namespace Monfri.Infrastructure.Scheduling;

/// <summary>
/// Claims one due job and runs it: the one claim loop of every kind of background work (imports, privacy requests,
/// reminders, ageing, retention). Works with any number of Monfri processes.
/// <para>
/// The claim is one statement: the oldest due row of the asked kinds is taken with <c>FOR UPDATE SKIP LOCKED</c>
/// (two schedulers never wait on, or take, the same row) and marked Running with a lease (<c>locked_until</c>) in
/// the same UPDATE. The runner renews the lease while the handler works; a job whose lease ran out belongs to a
/// node that died, and is claimed again like a due one. Every later write is fenced on the claim's attempt number,
/// so a runner that lost its lease can no longer finish, fail or release a job another runner has taken.
/// </para>
/// <para>
/// A handler that throws is retried after <see cref="JobOptions.Backoff"/> × 2^(attempt − 1) (capped at
/// <see cref="JobOptions.MaxBackoff"/>) until its kind's <see cref="JobKind.MaxAttempts"/>, then the job is Dead.
/// A job interrupted by this node's shutdown goes back to the queue without counting the attempt.
/// </para>
/// </summary>
public sealed class JobRunner(
    IEnumerable<JobKind> kinds,
    IServiceProvider services,
    NpgsqlDataSource dataSource,
    TimeProvider clock,
    IOptions<JobOptions> options,
    ILogger<JobRunner> logger)
{
    private readonly Dictionary<string, JobKind> _kinds = kinds.ToDictionary(k => k.Name);

    private const string ClaimSql = """
        WITH next AS (
            SELECT id FROM jobs
            WHERE kind = ANY(@kinds)
              AND ((state IN ('Queued', 'Failed') AND run_at <= @now) OR (state = 'Running' AND locked_until < @now))
            ORDER BY run_at, id
            LIMIT 1
            FOR UPDATE SKIP LOCKED
        )
        UPDATE jobs j SET state = 'Running', attempts = j.attempts + 1, locked_by = @by, locked_until = @until,
                          started_at = @now, finished_at = NULL
        FROM next
        WHERE j.id = next.id
        RETURNING j.id, j.kind, j.payload::text, j.attempts, j.run_at
        """;

    /// <summary>The kinds this runner knows, by name.</summary>
    public IReadOnlyDictionary<string, JobKind> Kinds => _kinds;

    /// <summary>This node's name in <c>jobs.locked_by</c>.</summary>
    public string Node { get; } = string.IsNullOrWhiteSpace(options.Value.Node) ? $"{Environment.MachineName}:{Environment.ProcessId}" : options.Value.Node;

    /// <summary>Claims the oldest due job of <paramref name="kindNames"/> and runs it; false when none is due.</summary>
    /// <param name="lane">Which of this node's lanes claims (kept in <c>locked_by</c> for the operator).</param>
    public async Task<bool> RunNextAsync(IReadOnlyCollection<string> kindNames, string lane, CancellationToken cancellationToken)
    {
        var job = await ClaimAsync(kindNames, $"{Node}/{lane}", cancellationToken);
        if (job is null)
        {
            return false;
        }

        await RunAsync(job, cancellationToken);
        return true;
    }

    private async Task<JobRun?> ClaimAsync(IReadOnlyCollection<string> kindNames, string by, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var claim = dataSource.CreateCommand(ClaimSql);
        claim.Parameters.Add(new NpgsqlParameter<string[]>("kinds", kindNames.ToArray()));
        claim.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
        claim.Parameters.Add(new NpgsqlParameter<string>("by", by));
        claim.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("until", now + options.Value.Lease));
        await using var reader = await claim.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new JobRun(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetFieldValue<DateTimeOffset>(4));
    }

    private async Task RunAsync(JobRun job, CancellationToken stopping)
    {
        var kind = _kinds[job.Kind];
        var handler = (IJobHandler)services.GetRequiredService(kind.Handler);
        using var leaseLost = new CancellationTokenSource();
        using var running = CancellationTokenSource.CreateLinkedTokenSource(stopping, leaseLost.Token);
        using var done = new CancellationTokenSource();
        var heartbeat = RenewLeaseAsync(job, leaseLost, done.Token);
        try
        {
            await handler.RunAsync(job, running.Token);
            await done.CancelAsync();
            await heartbeat;
            await FinishAsync(job, "state = 'Succeeded', finished_at = @now, last_error = NULL", []);
        }
        catch (Exception) when (stopping.IsCancellationRequested)
        {
            // Shutting down: back to the queue, attempt not counted, for this node after its restart or another now.
            await done.CancelAsync();
            await heartbeat;
            await FinishAsync(job, "state = 'Queued', attempts = attempts - 1", []);
            logger.LogInformation("Job {Kind} {JobId} interrupted by shutdown; it runs again", job.Kind, job.Id);
            throw;
        }
        catch (Exception) when (leaseLost.IsCancellationRequested)
        {
            // Another runner holds the job now (this one could not renew its lease in time); it is theirs to finish.
            await heartbeat;
            logger.LogWarning("Job {Kind} {JobId} lost its lease and was stopped here", job.Kind, job.Id);
        }
        catch (Exception ex)
        {
            await done.CancelAsync();
            await heartbeat;
            var error = $"{ex.GetType().Name}: {ex.Message}";
            error = error.Length > Job.MaxErrorLength ? error[..Job.MaxErrorLength] : error;
            if (job.Attempt >= kind.MaxAttempts)
            {
                logger.LogError(ex, "Job {Kind} {JobId} failed on attempt {Attempt} of {Max} and is given up", job.Kind, job.Id, job.Attempt, kind.MaxAttempts);
                await FinishAsync(job, "state = 'Dead', finished_at = @now, last_error = @error", [new NpgsqlParameter<string>("error", error)]);
            }
            else
            {
                var retryAt = clock.GetUtcNow() + BackoffAfter(job.Attempt);
                logger.LogWarning(ex, "Job {Kind} {JobId} failed on attempt {Attempt} of {Max}; retry at {RetryAt}", job.Kind, job.Id, job.Attempt, kind.MaxAttempts, retryAt);
                await FinishAsync(job, "state = 'Failed', run_at = @retry, last_error = @error",
                    [new NpgsqlParameter<string>("error", error), new NpgsqlParameter<DateTimeOffset>("retry", retryAt)]);
            }
        }
    }

    /// <summary>The wait before the retry that follows failed attempt <paramref name="attempt"/> (1, 2, …).</summary>
    public TimeSpan BackoffAfter(int attempt)
    {
        var factor = Math.Pow(2, Math.Min(attempt - 1, 30));
        var wait = options.Value.Backoff * factor;
        return wait < options.Value.MaxBackoff ? wait : options.Value.MaxBackoff;
    }

    private async Task RenewLeaseAsync(JobRun job, CancellationTokenSource leaseLost, CancellationToken done)
    {
        var every = options.Value.Lease / 3;
        while (!done.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(every, clock, done);
                var now = clock.GetUtcNow();
                await using var renew = dataSource.CreateCommand(
                    "UPDATE jobs SET locked_until = @until WHERE id = @id AND attempts = @attempt AND state = 'Running'");
                renew.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("until", now + options.Value.Lease));
                renew.Parameters.Add(new NpgsqlParameter<Guid>("id", job.Id));
                renew.Parameters.Add(new NpgsqlParameter<int>("attempt", job.Attempt));
                if (await renew.ExecuteNonQueryAsync(done) == 0)
                {
                    await leaseLost.CancelAsync();
                    return;
                }
            }
            catch (OperationCanceledException) when (done.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                // The database may be restarting; the lease has two more renewals' worth of time left.
                logger.LogWarning(ex, "Could not renew the lease of job {Kind} {JobId}", job.Kind, job.Id);
            }
        }
    }

    /// <summary>Ends this runner's claim on the job, fenced on the claim's attempt; false when another runner holds it now.</summary>
    private async Task<bool> FinishAsync(JobRun job, string set, NpgsqlParameter[] parameters)
    {
        await using var command = dataSource.CreateCommand(
            $"UPDATE jobs SET {set}, locked_by = NULL, locked_until = NULL WHERE id = @id AND attempts = @attempt AND state = 'Running'");
        command.Parameters.Add(new NpgsqlParameter<Guid>("id", job.Id));
        command.Parameters.Add(new NpgsqlParameter<int>("attempt", job.Attempt));
        if (set.Contains("@now", StringComparison.Ordinal))
        {
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", clock.GetUtcNow()));
        }

        command.Parameters.AddRange(parameters);
        if (await command.ExecuteNonQueryAsync(CancellationToken.None) == 0)
        {
            logger.LogWarning("Job {Kind} {JobId} was taken over by another runner before this one finished it", job.Kind, job.Id);
            return false;
        }

        return true;
    }
}
