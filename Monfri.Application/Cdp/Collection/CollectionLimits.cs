namespace Monfri.Application.Cdp.Collection;

/// <summary>The limits of the Segment tracking API, which clients are built around (segment-compat.md).</summary>
public static class CollectionLimits
{
    public const int MaxEventBytes = 32 * 1024;
    public const int MaxRequestBytes = 500 * 1024;
    public const int MaxBatchEvents = 2_500;
    public const int MaxMessageIdLength = 100;

    /// <summary>Deeper JSON than this is refused whole: no real event nests 64 levels.</summary>
    public const int MaxJsonDepth = 64;

    public static readonly IReadOnlyList<string> Types = ["identify", "track", "page", "screen", "group", "alias"];
}
