namespace Monfri.Infrastructure.Ingestion;

/// <summary>Monfri:Ingest — the event pipeline's knobs.</summary>
public sealed class IngestOptions
{
    public const string Section = "Monfri:Ingest";

    /// <summary>Worker loops on this node (every node runs its own; they share work through SKIP LOCKED).</summary>
    public int Workers { get; set; } = 2;

    /// <summary>Intake rows (requests) one worker claims and processes in one transaction.</summary>
    public int ClaimRequests { get; set; } = 50;

    /// <summary>Above this many queued (accepted, unprocessed) events, collection answers 429.</summary>
    public int MaxQueuedEvents { get; set; } = 500_000;

    /// <summary>Collection requests in flight on this node before new ones get 429 (bounds memory).</summary>
    public int MaxConcurrentRequests { get; set; } = 256;

    /// <summary>How long a message id is remembered per source; at least 24 hours (clients retry for that long).</summary>
    public TimeSpan DedupeWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Months of events kept; older monthly partitions are dropped.</summary>
    public int RetentionMonths { get; set; } = 25;

    /// <summary>Anonymous ids one profile may collect; beyond it new ones start their own profile.</summary>
    public int MaxAnonymousIdsPerProfile { get; set; } = 100;

    /// <summary>Whether this node runs workers at all (an API-only node sets false).</summary>
    public bool RunWorkers { get; set; } = true;

    public TimeSpan EffectiveDedupeWindow => DedupeWindow < TimeSpan.FromHours(24) ? TimeSpan.FromHours(24) : DedupeWindow;
}
