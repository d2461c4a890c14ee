using System.Security.Cryptography;
using System.Text;
using Monfri.Domain.Cdp;
using Monfri.Infrastructure.Ingestion;

namespace Monfri.Infrastructure.Privacy;

/// <summary>How privacy work recognises a person's identifiers in events and text.</summary>
internal static class PrivacyKeys
{
    /// <summary>
    /// Identifiers shorter than this are matched only exactly (an identity column), never as a substring of free
    /// text: a user id "42" would otherwise "match" every amount and date that contains 42.
    /// </summary>
    public const int MinSubstringLength = 6;

    /// <summary>The suppression key of an identifier: hex SHA-256 of <c>type:value</c>, so the raw value is not stored.</summary>
    public static string Hash(string type, string value) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{type}:{value}")));

    /// <summary>
    /// Every identifier an accepted event carries, as identity resolution would read it, plus an alias's
    /// previous id under both kinds it may be (user id or anonymous id).
    /// </summary>
    public static IEnumerable<(string Type, string Value)> Of(IngestEvent e)
    {
        static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

        if (Clean(e.UserId) is { } userId)
        {
            yield return (IdentityTypes.UserId, userId);
        }

        if (Clean(e.AnonymousId) is { } anonymousId)
        {
            yield return (IdentityTypes.AnonymousId, anonymousId);
        }

        if (Clean(e.Email) is { } email)
        {
            yield return (IdentityTypes.Email, email);
        }

        foreach (var (type, value) in e.ExternalIds)
        {
            if (Clean(value) is { } id)
            {
                yield return (type, id);
            }
        }

        if (Clean(e.PreviousId) is { } previous)
        {
            yield return (IdentityTypes.UserId, previous);
            yield return (IdentityTypes.AnonymousId, previous);
        }
    }

    /// <summary>
    /// The byte patterns under which <paramref name="value"/> can appear in stored JSON: as is, and as
    /// System.Text.Json escapes it by default ('+' in an email becomes <c>\u002B</c>).
    /// </summary>
    public static IEnumerable<byte[]> JsonPatterns(string value)
    {
        var raw = Encoding.UTF8.GetBytes(value);
        yield return raw;
        var escaped = System.Text.Json.JsonEncodedText.Encode(value).EncodedUtf8Bytes.ToArray();
        if (!escaped.AsSpan().SequenceEqual(raw))
        {
            yield return escaped;
        }
    }
}
