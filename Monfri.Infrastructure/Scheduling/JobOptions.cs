namespace Monfri.Infrastructure.Scheduling;

/// <summary>Settings of the job scheduler (section <c>Monfri:Jobs</c>).</summary>
public sealed class JobOptions
{
    public const string Section = "Monfri:Jobs";

    /// <summary>Whether this node runs jobs and enqueues recurring ones (tests that drive the scheduler by hand turn it off).</summary>
    public bool RunWorkers { get; set; } = true;

    /// <summary>This node's name in <c>jobs.locked_by</c>; the machine name and process id when empty.</summary>
    public string? Node { get; set; }

    /// <summary>How often an idle lane looks for work (a NOTIFY at enqueue wakes it sooner): the longest a job due later waits past its time.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a claim lasts without renewal. A running job renews it every third of this; a node that dies stops
    /// renewing, and its job is claimed again once the lease has run out.
    /// </summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The wait before the first retry; each further retry waits twice as long, up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan Backoff { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a succeeded job stays visible before it is pruned (recurring jobs add a row per run).</summary>
    public TimeSpan KeepSucceededFor { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How long a dead job stays visible for the operator.</summary>
    public TimeSpan KeepDeadFor { get; set; } = TimeSpan.FromDays(30);
}
