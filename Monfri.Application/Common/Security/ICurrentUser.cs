using System.Security.Claims;

namespace Monfri.Application.Common.Security;

/// <summary>
/// Who is sending the current request: the signed-in person in a Blazor circuit, the owner of an API
/// token in an HTTP call, or the system itself in a background job.
/// </summary>
public interface ICurrentUser
{
    Guid? Id { get; }
    string? Email { get; }
    bool IsAuthenticated { get; }

    /// <summary>True for work Monfri does on its own behalf (start-up, background jobs): it may do anything.</summary>
    bool IsSystem { get; }

    ClaimsPrincipal Principal { get; }

    bool IsInRole(string role);

    /// <summary>Whether the sender holds <paramref name="permission"/> through one of their roles (the system holds all).</summary>
    bool Can(Permission permission) => IsSystem || IsAuthenticated && RolePermissions.Grants(IsInRole, permission);
}
