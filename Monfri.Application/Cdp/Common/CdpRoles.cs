using Monfri.Domain.Common;

namespace Monfri.Application.Cdp.Common;

/// <summary>Who may do what with the CDP; used in <c>[RequiresRole]</c> on every CDP message.</summary>
public static class CdpRoles
{
    /// <summary>Sources (keys, origins) and their debugger: the people who wire up tracking.</summary>
    public static readonly string[] ManageSources = [Roles.Admin, Roles.Marketing];

    /// <summary>Profiles with their identities and events.</summary>
    public static readonly string[] ReadProfiles = [Roles.Admin, Roles.Manager, Roles.Marketing];

    /// <summary>The identifier block list changes how every future event resolves: Admin only.</summary>
    public static readonly string[] ManageBlockList = [Roles.Admin];
}
