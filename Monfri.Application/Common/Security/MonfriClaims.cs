using System.Security.Claims;

namespace Monfri.Application.Common.Security;

public static class MonfriClaims
{
    public const string DisplayName = "monfri:display_name";

    /// <summary>The person's name for greetings and avatars; falls back to the sign-in name.</summary>
    public static string DisplayNameOf(ClaimsPrincipal user) =>
        user.FindFirst(DisplayName)?.Value ?? user.Identity?.Name ?? "";
}
