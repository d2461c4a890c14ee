namespace Monfri.Web.Security;

/// <summary>
/// Headers that keep the app from being framed, sniffed or made to run foreign script. MudBlazor sets
/// inline styles, hence 'unsafe-inline' for styles only. The API reference page loads its UI with an
/// inline bootstrap script and gets its own, looser policy. This is the only Content-Security-Policy a
/// response carries: Blazor's own frame-ancestors header is turned off where the components are mapped,
/// because ours already says frame-ancestors 'none' (two headers would each be enforced, and read as one
/// policy by nobody).
/// </summary>
public static class SecurityHeadersMiddleware
{
    private const string AppPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "font-src 'self' data:; connect-src {0}; frame-ancestors 'none'; base-uri 'self'; " +
        "form-action 'self'; object-src 'none'";

    private const string ApiReferencePolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
            headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments("/scalar")
                ? ApiReferencePolicy
                : string.Format(System.Globalization.CultureInfo.InvariantCulture, AppPolicy, ConnectSources(context.Request.Host));
            return next(context);
        });

    /// <summary>
    /// The Blazor circuit's websocket goes back to the page's own host only. Older browsers do not count
    /// ws:/wss: as 'self', so the host is named; a host that is not a plain name, address and port is left
    /// out rather than written into the policy.
    /// </summary>
    internal static string ConnectSources(HostString host) =>
        host.HasValue && host.Value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or ':' or '[' or ']')
            ? $"'self' ws://{host.Value} wss://{host.Value}"
            : "'self'";
}
