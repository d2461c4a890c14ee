using System.Collections.Frozen;
using System.Security.Claims;
using Monfri.Domain.Common;

namespace Monfri.Application.Common.Security;

/// <summary>
/// The one table of which role holds which <see cref="Permission"/>. A user holds the union of their roles'
/// permissions. Everything that decides rights reads it: the authorization behaviour, <see cref="ICurrentUser.Can"/>,
/// the live topics, the pages' policies, and the flags DTOs carry for buttons. docs/security.md is generated from it.
/// </summary>
public static class RolePermissions
{
    private static readonly Permission[] Everyone =
    [
        Permission.ViewContacts, Permission.EditContacts,
        Permission.ViewDeals,
        Permission.ViewActivities, Permission.LogActivities,
        Permission.ViewProfiles,
        Permission.ViewReports,
    ];

    /// <summary>Role → what it may do. Roles not listed here (or unknown names) grant nothing.</summary>
    public static IReadOnlyDictionary<string, IReadOnlySet<Permission>> Table { get; } = new Dictionary<string, IReadOnlySet<Permission>>
    {
        [Roles.Admin] = Enum.GetValues<Permission>().ToFrozenSet(),
        [Roles.Manager] = Set(
            [.. Everyone,
            Permission.EditDeals, Permission.ConfigureCrm, Permission.OverrideStageRules, Permission.SeeAllRecords, Permission.ManageAnyActivity,
            Permission.ViewVisitors, Permission.ViewSegments, Permission.ManageSegments, Permission.ViewMarketingReports]),
        [Roles.Sales] = Set([.. Everyone, Permission.EditDeals, Permission.ViewSegments]),
        [Roles.Marketing] = Set(
            [.. Everyone,
            Permission.ViewVisitors, Permission.ManageSources, Permission.ManageComputedTraits, Permission.ViewSegments, Permission.ManageSegments, Permission.ViewMarketingReports]),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Whether someone for whom <paramref name="isInRole"/> answers holds <paramref name="permission"/>.</summary>
    public static bool Grants(Func<string, bool> isInRole, Permission permission) =>
        Table.Any(entry => entry.Value.Contains(permission) && isInRole(entry.Key));

    /// <inheritdoc cref="Grants(Func{string, bool}, Permission)"/>
    public static bool Grants(ClaimsPrincipal user, Permission permission) =>
        user.Identity?.IsAuthenticated == true && Grants(user.IsInRole, permission);

    /// <summary>The roles that hold <paramref name="permission"/>, in the order of <see cref="Roles.All"/>.</summary>
    public static IReadOnlyList<string> RolesWith(Permission permission) =>
        [.. Roles.All.Where(role => Table.TryGetValue(role, out var granted) && granted.Contains(permission))];

    private static FrozenSet<Permission> Set(Permission[] permissions) => permissions.ToFrozenSet();
}
