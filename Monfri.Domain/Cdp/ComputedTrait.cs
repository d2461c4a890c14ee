using System.Text.RegularExpressions;
using Monfri.Domain.Common;

namespace Monfri.Domain.Cdp;

/// <summary>How a computed trait turns a person's matching events into one value.</summary>
public enum TraitKind
{
    /// <summary>How many matching events (e.g. page views in the last 30 days).</summary>
    EventCount,
    Sum,
    Average,
    Min,
    Max,
    /// <summary>The property's value on the earliest matching event.</summary>
    FirstValue,
    /// <summary>The property's value on the latest matching event.</summary>
    LastValue,
    /// <summary>The value the property had most often (ties: the alphabetically first).</summary>
    MostFrequent,
    /// <summary>How many different values the property had.</summary>
    UniqueCount,
}

public enum TraitStatus
{
    /// <summary>Being computed over the stored events; live events already count.</summary>
    Backfilling,
    Ready,
    /// <summary>The backfill stopped; <see cref="ComputedTrait.StatusReason"/> says why.</summary>
    Failed,
}

/// <summary>
/// A trait derived from a person's events (Settings → Computed traits), e.g. total revenue = sum of
/// <c>revenue</c> on <c>Order Completed</c>. Values are kept current by the ingest workers; a new or
/// redefined trait is backfilled over the stored events. Never typed in by hand.
/// </summary>
public sealed partial class ComputedTrait : Entity
{
    public const int MaxKeyLength = 60;
    public const int MaxNameLength = 100;
    public const int MaxEventNameLength = 200;
    public const int MaxPathLength = 200;
    public const int MaxFilterValueLength = 500;

    /// <summary>The longest window: two years, about what the event store keeps by default.</summary>
    public const int MaxWindowDays = 730;

    /// <summary>Event types a trait can be limited to (Segment's spec).</summary>
    public static readonly IReadOnlyList<string> EventTypes = ["track", "page", "screen", "identify", "group"];

    private ComputedTrait()
    {
    }

    public Guid Id { get; private set; }

    /// <summary>snake_case name APIs, lists and segments use; never changes after creation.</summary>
    public string Key { get; private set; } = "";

    public string Name { get; private set; } = "";
    public TraitKind Kind { get; private set; }

    /// <summary>Only events of this type (track, page …); null: any type.</summary>
    public string? EventType { get; private set; }

    /// <summary>Only events with this name (a track's event, a page's name); null: any name.</summary>
    public string? EventName { get; private set; }

    /// <summary>Only events whose property at this dotted path equals <see cref="FilterValue"/>.</summary>
    public string? FilterPath { get; private set; }

    public string? FilterValue { get; private set; }

    /// <summary>Dotted path into the event's properties (<c>revenue</c>, <c>product.category</c>); null for <see cref="TraitKind.EventCount"/>.</summary>
    public string? PropertyPath { get; private set; }

    /// <summary>Only events of the last this many days (today counts as one); null: all time.</summary>
    public int? WindowDays { get; private set; }

    public TraitStatus Status { get; private set; }

    /// <summary>Backfill progress, 0–100.</summary>
    public int Progress { get; private set; }

    public string? StatusReason { get; private set; }

    /// <summary>The last person id the backfill finished (it walks people in id order), so a restart resumes.</summary>
    public Guid? BackfillCursor { get; private set; }

    /// <summary>Bumped when the definition changes: a running backfill of an older generation starts over.</summary>
    public int Generation { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    public static bool NeedsProperty(TraitKind kind) => kind != TraitKind.EventCount;

    public static bool IsNumeric(TraitKind kind) => kind is TraitKind.Sum or TraitKind.Average or TraitKind.Min or TraitKind.Max;

    public static bool IsValidKey(string? key) => key is { Length: > 0 and <= MaxKeyLength } && KeyPattern().IsMatch(key);

    /// <summary>Keys every profile already has (built-in traits, and the API's own fields): a definition may not take one.</summary>
    public static readonly IReadOnlySet<string> BuiltInKeys = new HashSet<string>(StringComparer.Ordinal)
    {
        "total_events", "first_touch", "last_touch", "first_seen", "last_seen", "first_seen_at", "last_seen_at",
    };

    /// <summary>Dotted property names: letters, digits, <c>_</c>, <c>-</c>, <c>$</c> and spaces between the dots.</summary>
    public static bool IsValidPath(string? path) => path is { Length: > 0 and <= MaxPathLength } && PathPattern().IsMatch(path);

    public static ComputedTrait Create(string key, string name, TraitDefinition definition, DateTimeOffset now)
    {
        var trait = new ComputedTrait { Id = Guid.CreateVersion7(now), Key = key.Trim(), CreatedAt = now };
        trait.Name = name.Trim();
        trait.Apply(definition);
        trait.StartBackfill(now);
        return trait;
    }

    /// <summary>The definition as one value, to compare and copy.</summary>
    public TraitDefinition Definition => new(Kind, EventType, EventName, FilterPath, FilterValue, PropertyPath, WindowDays);

    /// <summary>Renames the trait and, when what it computes changed, recomputes it from the stored events.</summary>
    /// <returns>True when a backfill was queued.</returns>
    public bool Update(string name, TraitDefinition definition, DateTimeOffset now)
    {
        Name = name.Trim();
        UpdatedAt = now;
        var normalized = definition.Normalized();
        if (normalized == Definition)
        {
            return false;
        }

        Apply(normalized);
        StartBackfill(now);
        return true;
    }

    public void ReportProgress(int generation, Guid cursor, int progress, DateTimeOffset now)
    {
        if (generation != Generation)
        {
            return;
        }

        BackfillCursor = cursor;
        Progress = Math.Clamp(progress, 0, 99);
        UpdatedAt = now;
    }

    public void MarkReady(DateTimeOffset now)
    {
        Status = TraitStatus.Ready;
        Progress = 100;
        StatusReason = null;
        BackfillCursor = null;
        UpdatedAt = now;
    }

    public void MarkFailed(string reason, DateTimeOffset now)
    {
        Status = TraitStatus.Failed;
        StatusReason = reason.Length > 1000 ? reason[..1000] : reason;
        UpdatedAt = now;
    }

    /// <summary>Starts the backfill again (after a failure, or on request) from the first person.</summary>
    public void StartBackfill(DateTimeOffset now)
    {
        Status = TraitStatus.Backfilling;
        Progress = 0;
        StatusReason = null;
        BackfillCursor = null;
        Generation++;
        UpdatedAt = now;
    }

    private void Apply(TraitDefinition definition)
    {
        var d = definition.Normalized();
        (Kind, EventType, EventName, FilterPath, FilterValue, PropertyPath, WindowDays) =
            (d.Kind, d.EventType, d.EventName, d.FilterPath, d.FilterValue, d.PropertyPath, d.WindowDays);
    }

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex KeyPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_$\- ]+(\.[A-Za-z0-9_$\- ]+)*$")]
    private static partial Regex PathPattern();
}

/// <summary>What a computed trait computes: everything but its key and name.</summary>
public sealed record TraitDefinition(
    TraitKind Kind,
    string? EventType,
    string? EventName,
    string? FilterPath,
    string? FilterValue,
    string? PropertyPath,
    int? WindowDays)
{
    /// <summary>Blanks become null, text is trimmed, and a count has no property.</summary>
    public TraitDefinition Normalized()
    {
        static string? Clean(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
        var filterPath = Clean(FilterPath);
        return new(
            Kind,
            Clean(EventType)?.ToLowerInvariant(),
            Clean(EventName),
            filterPath,
            filterPath is null ? null : FilterValue?.Trim() ?? "",
            ComputedTrait.NeedsProperty(Kind) ? Clean(PropertyPath) : null,
            WindowDays);
    }
}
