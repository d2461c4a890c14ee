namespace Monfri.Domain.Cdp;

/// <summary>The kinds of identifier that point at a profile. Custom external ids use their own type name.</summary>
public static class IdentityTypes
{
    public const string AnonymousId = "anonymous_id";
    public const string UserId = "user_id";
    public const string Email = "email";

    public const int MaxTypeLength = 64;
    public const int MaxValueLength = 256;

    /// <summary>
    /// Values that broken clients send instead of an id (a template that printed nothing, a JavaScript
    /// object turned into a string). Treating them as ids would merge every visitor into one profile.
    /// </summary>
    public static readonly IReadOnlySet<string> Junk = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "null", "undefined", "anonymous", "0", "-1", "nan", "[object object]", "none", "nil", "unknown",
        "00000000-0000-0000-0000-000000000000",
    };

    /// <summary>Whether <paramref name="value"/> can identify someone (not junk, not blocked, not oversized).</summary>
    public static bool IsUsable(string? value, IReadOnlySet<string> blocked) =>
        !string.IsNullOrWhiteSpace(value)
        && value.Length <= MaxValueLength
        && !Junk.Contains(value.Trim())
        && !blocked.Contains(value.Trim());

    /// <summary>Custom type names from <c>context.externalIds</c>: lower-case letters, digits, '_', '-' and '.'.</summary>
    public static string? NormalizeCustomType(string? type)
    {
        if (string.IsNullOrWhiteSpace(type))
        {
            return null;
        }

        var normalized = type.Trim().ToLowerInvariant();
        return normalized.Length <= MaxTypeLength && normalized.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')
            ? normalized
            : null;
    }
}
