using Monfri.Application.Common.Security;

namespace Monfri.Web.Security;

/// <summary>
/// For <c>&lt;AuthorizeView Roles="@PermissionRoles.Of(Permission.UndoMerges)"&gt;</c>: the roles that hold a
/// permission, read from <see cref="RolePermissions"/>, in the comma-separated form AuthorizeView takes. Pages use the
/// matching policy (<see cref="PermissionPolicies"/>); both ask the same table.
/// </summary>
public static class PermissionRoles
{
    public static string Of(Permission permission) => string.Join(',', RolePermissions.RolesWith(permission));
}
