namespace Monfri.Domain.Common;

/// <summary>
/// The four roles of a Monfri workspace. A user may hold several.
/// </summary>
public static class Roles
{
    public const string Admin = "Admin";
    public const string Manager = "Manager";
    public const string Sales = "Sales";
    public const string Marketing = "Marketing";

    public static IReadOnlyList<string> All { get; } = [Admin, Manager, Sales, Marketing];

    public static bool IsKnown(string role) => All.Contains(role, StringComparer.Ordinal);
}
