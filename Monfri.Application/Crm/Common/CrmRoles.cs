using Monfri.Domain.Common;

namespace Monfri.Application.Crm.Common;

/// <summary>
/// Who may do what with CRM records, as role lists for checks made in code: <see cref="CrmAccess"/>, the
/// activity messages and the main menu. Most CRM messages name their roles in their own <c>[RequiresRole]</c>.
/// </summary>
public static class CrmRoles
{
    /// <summary>Everyone in the workspace reads CRM records (reps may be limited to their own).</summary>
    public static readonly string[] Read = [Roles.Admin, Roles.Manager, Roles.Sales, Roles.Marketing];

    /// <summary>Contacts and companies: marketers maintain them too.</summary>
    public static readonly string[] EditPeople = [Roles.Admin, Roles.Manager, Roles.Sales, Roles.Marketing];

    /// <summary>Deals: sales and their managers; marketing reads but does not edit deals.</summary>
    public static readonly string[] EditDeals = [Roles.Admin, Roles.Manager, Roles.Sales];

    /// <summary>Pipelines, stages and custom fields.</summary>
    public static readonly string[] Configure = [Roles.Admin, Roles.Manager];
}
