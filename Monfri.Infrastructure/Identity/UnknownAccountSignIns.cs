using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Monfri.Infrastructure.Identity;

/// <summary>
/// Failed sign-ins for emails that name no account (or a deactivated one), counted and locked out exactly as
/// Identity does for an account (<see cref="LockoutOptions"/>), so "Too many failed attempts" appears after the
/// same number of tries whether the account exists or not. Kept in memory: per process, forgotten on restart,
/// and bounded (a flood of made-up emails beyond <see cref="Capacity"/> is not tracked; the per-address limit on
/// failed sign-ins stops such floods first). Decision 013.
/// </summary>
public sealed class UnknownAccountSignIns(IOptions<IdentityOptions> identity, TimeProvider clock) : IDisposable
{
    public const int Capacity = 100_000;

    // A known account's failure count never expires on its own; a day keeps a slow prober from telling them apart
    // by waiting while still letting memory go.
    private static readonly TimeSpan Remembered = TimeSpan.FromDays(1);

    private static readonly AppUser Decoy = new();
    private readonly MemoryCache _entries = new(new MemoryCacheOptions { SizeLimit = Capacity });
    private string? _decoyHash;

    /// <summary>
    /// Checks <paramref name="password"/> against a hash made by the same hasher as the accounts' hashes, so a
    /// sign-in without an account costs what checking a real account's password costs.
    /// </summary>
    public void CheckDecoyPassword(IPasswordHasher<AppUser> hasher, string password)
    {
        var hash = _decoyHash ??= hasher.HashPassword(Decoy, Guid.NewGuid().ToString());
        hasher.VerifyHashedPassword(Decoy, hash, password);
    }

    public bool IsLockedOut(string normalizedName) =>
        _entries.TryGetValue(normalizedName, out Entry? entry) && entry!.LockedUntil > clock.GetUtcNow();

    /// <summary>Counts a failure; true when it is the one that locks the email out (as Identity's AccessFailedAsync).</summary>
    public bool RecordFailure(string normalizedName)
    {
        var lockout = identity.Value.Lockout;
        var entry = _entries.GetOrCreate(normalizedName, created =>
        {
            created.Size = 1;
            created.SlidingExpiration = Remembered;
            return new Entry();
        })!;
        lock (entry)
        {
            if (++entry.Failures < lockout.MaxFailedAccessAttempts)
            {
                return false;
            }

            entry.Failures = 0;
            entry.LockedUntil = clock.GetUtcNow() + lockout.DefaultLockoutTimeSpan;
            return true;
        }
    }

    public void Dispose() => _entries.Dispose();

    private sealed class Entry
    {
        public int Failures;
        public DateTimeOffset LockedUntil;
    }
}
