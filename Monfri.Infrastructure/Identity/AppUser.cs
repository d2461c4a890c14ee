using Microsoft.AspNetCore.Identity;

namespace Monfri.Infrastructure.Identity;

/// <summary>A person who signs in to Monfri (a rep, a marketer, a manager, an admin).</summary>
public sealed class AppUser : IdentityUser<Guid>
{
    public string DisplayName { get; set; } = "";

    /// <summary>A deactivated user cannot sign in; their sessions and API tokens stop working.</summary>
    public bool IsActive { get; set; } = true;

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? LastSignInAt { get; set; }
}
