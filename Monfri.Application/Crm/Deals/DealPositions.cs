namespace Monfri.Application.Crm.Deals;

/// <summary>
/// Cards in a column are ordered by a float position; a new or moved card goes one gap after the last, or
/// halfway between its new neighbours. A move therefore writes only the moved card, never the column.
/// </summary>
public static class DealPositions
{
    public const double Gap = 1024;

    /// <summary>
    /// The position for a card dropped between <paramref name="before"/> and <paramref name="after"/> (null:
    /// no card on that side). Halving a 1024 gap leaves room for ~50 drops into the same slot before two cards
    /// share a position; they then tie and the deal id orders them, which is still stable.
    /// </summary>
    public static double Between(double? before, double? after) => (before, after) switch
    {
        (null, null) => Gap,
        ({ } b, null) => b + Gap,
        (null, { } a) => a - Gap,
        ({ } b, { } a) => b + (a - b) / 2,
    };
}
