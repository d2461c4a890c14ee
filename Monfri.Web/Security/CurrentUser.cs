using System.Security.Claims;
using Monfri.Application.Common.Security;

namespace Monfri.Web.Security;

/// <summary>
/// The sender of the requests in this DI scope: set from the HTTP request for API calls and from the
/// authentication state for a Blazor circuit (see <see cref="UserCircuitHandler"/>).
/// </summary>
public sealed class CurrentUser : ICurrentUser
{
    private static readonly ClaimsPrincipal Anonymous = new(new ClaimsIdentity());

    public ClaimsPrincipal Principal { get; private set; } = Anonymous;
    public bool IsSystem { get; private set; }

    public Guid? Id => Guid.TryParse(Principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;
    public string? Email => Principal.FindFirstValue(ClaimTypes.Email) ?? Principal.Identity?.Name;
    public bool IsAuthenticated => Principal.Identity?.IsAuthenticated == true;

    public bool IsInRole(string role) => Principal.IsInRole(role);

    public void Set(ClaimsPrincipal principal) => Principal = principal;

    /// <summary>For start-up and background work that acts on Monfri's own behalf.</summary>
    public void SetSystem() => IsSystem = true;
}
