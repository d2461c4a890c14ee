namespace Monfri.Application.Common.Security;

/// <summary>
/// Declares the permission needed to send a command or query; <see cref="RolePermissions"/> says which roles hold it.
/// The authorization behaviour enforces it for every caller (Blazor event handler, REST API, hub), so hiding a
/// button is never the only protection. Every message carries exactly one of this, <see cref="AllowAnyUserAttribute"/>
/// or <see cref="AllowAnonymousAttribute"/> (an architecture test walks them all).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = true)]
public sealed class RequiresPermissionAttribute(Permission permission) : Attribute
{
    public Permission Permission { get; } = permission;
}

/// <summary>
/// Marks a message any signed-in user may send whatever their roles (their own API tokens): said out loud so a
/// forgotten permission cannot pass for a deliberate one.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = true)]
public sealed class AllowAnyUserAttribute : Attribute;
