namespace Monfri.Infrastructure.Identity;

/// <summary>
/// A personal API token. Only a SHA-256 hash of the secret is stored; the secret is shown once.
/// <see cref="Prefix"/> (the first characters) lets a user tell tokens apart.
/// </summary>
public sealed class ApiToken
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public AppUser? User { get; set; }
    public string Name { get; set; } = "";
    public string Prefix { get; set; } = "";
    public byte[] SecretHash { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}
