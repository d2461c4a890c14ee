namespace Monfri.Application.Reports;

/// <summary>
/// The four ways of sharing one conversion's credit among the touches before it (in time order), side by side:
/// first touch (all to the first), last touch (all to the last), linear (equal shares) and position-based
/// (40 % first, 40 % last, 20 % shared by the ones between; two touches 50/50, one touch all of it).
/// Each model's shares add up to 1, so every conversion is counted exactly once per model.
/// </summary>
public static class AttributionModels
{
    public readonly record struct Credit(double FirstTouch, double LastTouch, double Linear, double PositionBased);

    /// <summary>The credit of each touch, in the order given; empty when there was no touch.</summary>
    public static IReadOnlyList<Credit> Share(int touches)
    {
        var credits = new Credit[touches];
        for (var i = 0; i < touches; i++)
        {
            var position = touches switch
            {
                1 => 1.0,
                2 => 0.5,
                _ => i == 0 || i == touches - 1 ? 0.4 : 0.2 / (touches - 2),
            };
            credits[i] = new Credit(i == 0 ? 1 : 0, i == touches - 1 ? 1 : 0, 1.0 / touches, position);
        }

        return credits;
    }
}
