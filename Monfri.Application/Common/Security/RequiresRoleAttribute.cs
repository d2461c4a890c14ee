namespace Monfri.Application.Common.Security;

/// <summary>
/// Declares the roles that may send a command or query: a user needs at least one of them.
/// Superseded by <see cref="RequiresPermissionAttribute"/>, which names what is done rather than who may do it;
/// still enforced so a message written against it keeps its protection until it is converted.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = true)]
public sealed class RequiresRoleAttribute(params string[] roles) : Attribute
{
    public IReadOnlyList<string> Roles { get; } = roles;
}

/// <summary>Marks a message that anonymous callers may send (e.g. checks done before sign-in).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = true)]
public sealed class AllowAnonymousAttribute : Attribute;
