using System.Text.Json;

namespace Monfri.Application.Common.Jobs;

/// <summary>Where a job is in its life. <see cref="Failed"/> waits for its retry; <see cref="Dead"/> is given up.</summary>
public enum JobState
{
    Queued,
    Running,
    Succeeded,
    Failed,
    Dead,
}

/// <summary>
/// One unit of background work in the <c>jobs</c> table: what to run (<see cref="Kind"/> names the handler,
/// <see cref="Payload"/> is its JSON argument) and when (<see cref="RunAt"/>). Any node's scheduler claims it with
/// <c>FOR UPDATE SKIP LOCKED</c> and holds a lease (<see cref="LockedUntil"/>) while it runs; a failure is retried
/// with backoff, then the job is <see cref="JobState.Dead"/>.
/// <para>
/// Enqueueing is adding a row: <c>db.Jobs.Add(Job.Create(...))</c> in the same unit of work as the change that
/// needs the job, so the job exists exactly when that change committed (an outbox). A trigger on the table wakes
/// the schedulers of every node at commit (decision 015).
/// </para>
/// </summary>
public sealed class Job
{
    /// <summary>Longest <see cref="LastError"/> kept; a stack trace belongs in the log.</summary>
    public const int MaxErrorLength = 2000;

    public const int MaxKindLength = 100;

    private static readonly JsonSerializerOptions PayloadJson = new(JsonSerializerDefaults.Web);

    private Job()
    {
    }

    public Guid Id { get; private set; }
    public string Kind { get; private set; } = "";

    /// <summary>The handler's argument as JSON (<c>jsonb</c>); <c>{}</c> when the kind needs none.</summary>
    public string Payload { get; private set; } = "{}";

    public DateTimeOffset RunAt { get; private set; }
    public JobState State { get; private set; }

    /// <summary>Runs started so far, the one running now included.</summary>
    public int Attempts { get; private set; }

    public string? LastError { get; private set; }

    /// <summary>The scheduler (node and lane) running the job now.</summary>
    public string? LockedBy { get; private set; }

    /// <summary>The end of the running scheduler's lease; it renews it while the job runs, and a job past it is claimed again.</summary>
    public DateTimeOffset? LockedUntil { get; private set; }

    /// <summary>
    /// At most one job per key (a unique index): a recurring schedule's key is its kind and slot, so however many
    /// nodes enqueue the same slot, it exists once.
    /// </summary>
    public string? UniqueKey { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? StartedAt { get; private set; }
    public DateTimeOffset? FinishedAt { get; private set; }

    /// <summary>A job of <paramref name="kind"/> due at <paramref name="runAt"/> (now when null).</summary>
    public static Job Create(string kind, object? payload, DateTimeOffset now, DateTimeOffset? runAt = null, string? uniqueKey = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        if (kind.Length > MaxKindLength)
        {
            throw new ArgumentException($"A job kind has at most {MaxKindLength} characters.", nameof(kind));
        }

        return new Job
        {
            Id = Guid.CreateVersion7(now),
            Kind = kind,
            Payload = payload is null ? "{}" : JsonSerializer.Serialize(payload, PayloadJson),
            RunAt = runAt ?? now,
            State = JobState.Queued,
            UniqueKey = uniqueKey,
            CreatedAt = now,
        };
    }

    /// <summary>Reads a payload written by <see cref="Create"/>.</summary>
    public static T ReadPayload<T>(string payload) =>
        JsonSerializer.Deserialize<T>(payload, PayloadJson) ?? throw new JsonException($"The job payload is not a {typeof(T).Name}.");
}
