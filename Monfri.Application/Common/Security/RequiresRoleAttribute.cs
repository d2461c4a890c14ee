namespace Monfri.Application.Common.Security;

/// <summary>
/// Declares the roles that may send a command or query: a user needs at least one of them.
/// The authorization behaviour enforces it for every caller (Blazor event handler, REST API, hub),
/// so hiding a button is never the only protection.
/// Messages without this attribute still require a signed-in user unless marked <see cref="AllowAnonymousAttribute"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = true)]
public sealed class RequiresRoleAttribute(params string[] roles) : Attribute
{
    public IReadOnlyList<string> Roles { get; } = roles;
}

/// <summary>Marks a message that anonymous callers may send (e.g. checks done before sign-in).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = true)]
public sealed class AllowAnonymousAttribute : Attribute;
