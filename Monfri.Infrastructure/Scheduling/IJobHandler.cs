using Monfri.Application.Common.Jobs;

namespace Monfri.Infrastructure.Scheduling;

/// <summary>
/// Runs the jobs of one kind (registered with <see cref="JobServices.AddJob{THandler}"/>). A handler that returns has
/// succeeded; one that throws is retried with backoff, up to its kind's attempts. A job can run more than once (a
/// retry, a node that died mid-run), so a handler is written to be safe to run again.
/// </summary>
public interface IJobHandler
{
    Task RunAsync(JobRun job, CancellationToken cancellationToken);
}

/// <summary>The claimed job as a handler sees it.</summary>
public sealed record JobRun(Guid Id, string Kind, string Payload, int Attempt, DateTimeOffset RunAt)
{
    public T PayloadAs<T>() => Job.ReadPayload<T>(Payload);
}

/// <summary>
/// A registered kind of job: its handler, how many this node runs at once, how often it is tried, and for a recurring
/// kind the period of its schedule.
/// </summary>
/// <param name="Every">A recurring kind: one job per slot of this length (slots start at the Unix epoch, UTC), enqueued by every node, stored once.</param>
public sealed record JobKind(string Name, Type Handler, int Concurrency = 1, int MaxAttempts = 5, TimeSpan? Every = null);
