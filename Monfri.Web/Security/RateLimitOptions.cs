namespace Monfri.Web.Security;

/// <summary>
/// Monfri:RateLimits — how much one client may ask of the sign-in form and the API. Event collection has its
/// own back-pressure (Monfri:Ingest) and is not limited here.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "Monfri:RateLimits";

    /// <summary>Sign-in form posts per client address per minute, right or wrong.</summary>
    public int SignInsPerMinute { get; set; } = 20;

    /// <summary>
    /// Failed sign-ins per client address per hour, whatever accounts they name: the account lockout stops
    /// guessing one password, this stops trying one password on every account.
    /// </summary>
    public int FailedSignInsPerHour { get; set; } = 20;

    /// <summary>API requests per minute per API token (per user for a signed-in browser).</summary>
    public int ApiRequestsPerMinute { get; set; } = 1200;

    /// <summary>API and hub requests per minute per client address that carry no valid token or cookie.</summary>
    public int UnauthenticatedApiRequestsPerMinute { get; set; } = 60;

    /// <summary>The settings that are not a positive number, by their environment variable names.</summary>
    public IEnumerable<string> Invalid()
    {
        foreach (var (name, value) in new[]
                 {
                     (nameof(SignInsPerMinute), SignInsPerMinute),
                     (nameof(FailedSignInsPerHour), FailedSignInsPerHour),
                     (nameof(ApiRequestsPerMinute), ApiRequestsPerMinute),
                     (nameof(UnauthenticatedApiRequestsPerMinute), UnauthenticatedApiRequestsPerMinute),
                 })
        {
            if (value < 1)
            {
                yield return $"Monfri__RateLimits__{name} must be at least 1 (it is {value}).";
            }
        }
    }
}
