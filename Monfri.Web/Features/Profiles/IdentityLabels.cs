using Monfri.Domain.Cdp;

namespace Monfri.Web.Features.Profiles;

/// <summary>How identity types read on the profile page.</summary>
public static class IdentityLabels
{
    public static string Of(string type) => type switch
    {
        IdentityTypes.AnonymousId => "Anonymous id",
        IdentityTypes.UserId => "User id",
        IdentityTypes.Email => "Email",
        _ => type,
    };
}
