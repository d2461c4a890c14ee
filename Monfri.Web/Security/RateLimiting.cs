using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Monfri.Infrastructure.Postgres;

namespace Monfri.Web.Security;

/// <summary>
/// ASP.NET Core rate limiting for what a person or a script can hammer: the sign-in form per client address,
/// the API per token (and, without a valid token, per address). Collection (/v1, /t.js …) and pages are not
/// limited here; collection answers 429 from its own queue limits. Failed sign-ins are counted separately by
/// <see cref="SignInThrottle"/>, because only the sign-in itself knows whether it failed.
/// </summary>
public static class RateLimiting
{
    private const string SignInPath = "/account/login";
    private const string TokenClaim = "monfri:token";

    public static IServiceCollection AddMonfriRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(RateLimitOptions.Section);
        var invalid = (section.Get<RateLimitOptions>() ?? new RateLimitOptions()).Invalid().ToList();
        if (invalid.Count > 0)
        {
            throw new MonfriStartupException(string.Join(' ', invalid));
        }

        services.Configure<RateLimitOptions>(section);
        services.AddSingleton<SignInThrottle>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((options, limits) =>
        {
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => Partition(context, limits.Value));
            options.OnRejected = OnRejectedAsync;
        });
        return services;
    }

    /// <summary>After authentication (the API is limited per token) and before authorization (which would answer 401 first).</summary>
    public static IApplicationBuilder UseMonfriRateLimiting(this IApplicationBuilder app) => app.UseRateLimiter();

    private static RateLimitPartition<string> Partition(HttpContext context, RateLimitOptions limits)
    {
        var request = context.Request;
        if (HttpMethods.IsPost(request.Method) && request.Path.Equals(SignInPath, StringComparison.OrdinalIgnoreCase))
        {
            return PerMinute($"sign-in|{ClientAddress.Of(context)}", limits.SignInsPerMinute);
        }

        if (!request.Path.StartsWithSegments("/api") && !request.Path.StartsWithSegments("/hubs"))
        {
            return RateLimitPartition.GetNoLimiter("");
        }

        if (context.User.Identity?.IsAuthenticated != true)
        {
            return PerMinute($"api-anonymous|{ClientAddress.Of(context)}", limits.UnauthenticatedApiRequestsPerMinute);
        }

        // A hub connection is one long-lived client (long polling makes a request per message): not counted.
        if (request.Path.StartsWithSegments("/hubs"))
        {
            return RateLimitPartition.GetNoLimiter("");
        }

        var caller = context.User.FindFirstValue(TokenClaim) is { } token
            ? $"token|{token}"
            : $"user|{context.User.FindFirstValue(ClaimTypes.NameIdentifier)}";
        return PerMinute($"api|{caller}", limits.ApiRequestsPerMinute);
    }

    // A sliding window of six 10-second segments: no double burst at a window's edge, and a Retry-After of at most 10 s.
    private static RateLimitPartition<string> PerMinute(string key, int permits) =>
        RateLimitPartition.GetSlidingWindowLimiter(key, _ => new SlidingWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = TimeSpan.FromMinutes(1),
            SegmentsPerWindow = 6,
            QueueLimit = 0,
        });

    private static async ValueTask OnRejectedAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        if (context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/hubs"))
        {
            await Results.Problem(
                    statusCode: StatusCodes.Status429TooManyRequests,
                    title: "Too many requests",
                    detail: $"Too many requests; try again in {seconds} seconds.")
                .ExecuteAsync(context);
            return;
        }

        // A body, so the status code pages do not replace the answer with the not-found page.
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync($"Too many sign-in attempts from your network. Try again in {seconds} seconds.", cancellationToken);
    }
}
