using System.Security.Cryptography;
using System.Text;

namespace Monfri.Infrastructure.Identity;

/// <summary>Makes and hashes API token secrets. The prefix makes a leaked token recognisable in logs and scanners.</summary>
public static class ApiTokenSecrets
{
    public const string Prefix = "mfp_";

    public static string NewSecret() =>
        Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>The part shown in lists, enough to tell tokens apart.</summary>
    public static string DisplayPrefix(string secret) => secret[..Math.Min(12, secret.Length)];
}
