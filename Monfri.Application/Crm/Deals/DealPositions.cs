namespace Monfri.Application.Crm.Deals;

/// <summary>Cards in a column are ordered by a float position; a new or moved card goes one gap after the last.</summary>
public static class DealPositions
{
    public const double Gap = 1024;
}
