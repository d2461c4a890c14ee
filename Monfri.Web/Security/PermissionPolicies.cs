using Microsoft.AspNetCore.Authorization;
using Monfri.Application.Common.Security;

namespace Monfri.Web.Security;

/// <summary>
/// One authorization policy per <see cref="Permission"/>, named after it, so pages
/// (<c>[Authorize(Policy = nameof(Permission.ManageSources))]</c>) ask the same role → permission table as the
/// messages they send (an <c>AuthorizeView</c> asks it through <see cref="PermissionRoles"/>).
/// </summary>
public static class PermissionPolicies
{
    public static void AddPermissionPolicies(this AuthorizationOptions options)
    {
        foreach (var permission in Enum.GetValues<Permission>())
        {
            options.AddPolicy(permission.ToString(), policy => policy
                .RequireAuthenticatedUser()
                .RequireAssertion(context => RolePermissions.Grants(context.User, permission)));
        }
    }
}
