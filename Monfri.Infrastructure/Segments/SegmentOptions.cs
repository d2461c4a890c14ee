namespace Monfri.Infrastructure.Segments;

/// <summary>Settings under <c>Monfri:Segments</c>.</summary>
public sealed class SegmentOptions
{
    public const string Section = "Monfri:Segments";

    /// <summary>Whether this process keeps membership current (the changed-people queue and the time-window pass).</summary>
    public bool RunWorkers { get; set; } = true;

    /// <summary>How long a preview may run before the database stops it.</summary>
    public TimeSpan PreviewTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one segment's evaluation statement may run.</summary>
    public TimeSpan EvaluationTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Changed people re-evaluated per transaction.</summary>
    public int BatchSize { get; set; } = 1000;

    /// <summary>How long the worker waits when the queue was empty.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How often segments with relative windows ("in the last 30 days") are evaluated again in full.</summary>
    public TimeSpan TimeWindowInterval { get; set; } = TimeSpan.FromHours(1);
}
