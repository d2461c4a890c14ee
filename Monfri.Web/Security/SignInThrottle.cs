using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Monfri.Web.Security;

/// <summary>
/// Failed sign-ins per client address across all accounts (<see cref="RateLimitOptions.FailedSignInsPerHour"/>).
/// The per-account lockout stops guessing one account's password; this stops trying a common password on
/// every account from one place (password spraying), which the lockout never sees.
/// </summary>
public sealed class SignInThrottle(IOptions<RateLimitOptions> options) : IDisposable
{
    // Four segments: a failure stops counting an hour after it happened, and a refusal says to wait 15 minutes at most.
    private readonly PartitionedRateLimiter<string> _failures = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetSlidingWindowLimiter(address, _ => new SlidingWindowRateLimiterOptions
        {
            PermitLimit = options.Value.FailedSignInsPerHour,
            Window = TimeSpan.FromHours(1),
            SegmentsPerWindow = 4,
            QueueLimit = 0,
        }));

    /// <summary>Whether <paramref name="address"/> may try to sign in now; if not, how long it should wait.</summary>
    public bool MayTry(string address, out TimeSpan retryAfter)
    {
        // Asking for no permit only looks: it succeeds while the address has failures left.
        using var lease = _failures.AttemptAcquire(address, 0);
        retryAfter = lease.IsAcquired ? TimeSpan.Zero
            : lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(15);
        return lease.IsAcquired;
    }

    public void RecordFailure(string address)
    {
        using var lease = _failures.AttemptAcquire(address);
    }

    public void Dispose() => _failures.Dispose();
}
