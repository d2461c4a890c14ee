using System.Security.Cryptography;
using Monfri.Domain.Common;

namespace Monfri.Domain.Cdp;

/// <summary>Where events come from: a website, a backend or an app. Its write key authenticates collection calls.</summary>
public enum SourceKind
{
    Website,
    Server,
    Mobile,
}

/// <summary>
/// A collection source (Settings → Sources). The write key is a public identifier that browsers embed, so it
/// only allows sending events; it can be rotated when it leaks into the wrong place, and a disabled source's
/// key is refused (401), which is how a source is switched off without losing its history.
/// </summary>
public sealed class Source : Entity
{
    public const int MaxNameLength = 100;
    private const string KeyAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private Source()
    {
    }

    public Guid Id { get; private set; }
    public string Name { get; private set; } = "";
    public SourceKind Kind { get; private set; }
    public string WriteKey { get; private set; } = "";
    public bool Enabled { get; private set; }

    /// <summary>Origins (scheme://host[:port]) browsers may send from; empty means any origin.</summary>
    public List<string> AllowedOrigins { get; private set; } = [];

    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    public static Source Create(string name, SourceKind kind, IEnumerable<string> allowedOrigins, DateTimeOffset now, string? writeKey = null) =>
        new()
        {
            Id = Guid.CreateVersion7(now),
            Name = name.Trim(),
            Kind = kind,
            WriteKey = writeKey ?? NewWriteKey(),
            Enabled = true,
            AllowedOrigins = NormalizeOrigins(allowedOrigins),
            CreatedAt = now,
            UpdatedAt = now,
        };

    public void Update(string name, SourceKind kind, IEnumerable<string> allowedOrigins, bool enabled, DateTimeOffset now)
    {
        Name = name.Trim();
        Kind = kind;
        AllowedOrigins = NormalizeOrigins(allowedOrigins);
        Enabled = enabled;
        UpdatedAt = now;
    }

    /// <summary>Replaces the key; the old one stops working at once.</summary>
    public void RotateKey(DateTimeOffset now, string? writeKey = null)
    {
        WriteKey = writeKey ?? NewWriteKey();
        UpdatedAt = now;
    }

    /// <summary>Whether a browser page on <paramref name="origin"/> may send with this source's key.</summary>
    public bool AllowsOrigin(string? origin) =>
        AllowedOrigins.Count == 0 || origin is null || AllowedOrigins.Contains(NormalizeOrigin(origin), StringComparer.Ordinal);

    public static string NewWriteKey() => RandomNumberGenerator.GetString(KeyAlphabet, 32);

    public static string NormalizeOrigin(string origin) => origin.Trim().TrimEnd('/').ToLowerInvariant();

    private static List<string> NormalizeOrigins(IEnumerable<string> origins) =>
        origins.Where(o => !string.IsNullOrWhiteSpace(o)).Select(NormalizeOrigin).Distinct().ToList();
}
