namespace Monfri.Application.ApiTokens;

/// <summary>A personal API token as listed: the secret itself is never shown again after creation.</summary>
public sealed record ApiTokenDto(
    Guid Id,
    string Name,
    string Prefix,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? LastUsedAt,
    DateTimeOffset? RevokedAt)
{
    public bool IsActive(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > now);
}

/// <summary>Returned once, when the token is created: <see cref="Secret"/> is the only copy.</summary>
public sealed record CreatedApiToken(ApiTokenDto Token, string Secret);
