using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Monfri.Infrastructure.Identity;

namespace Monfri.Web.Security;

/// <summary>
/// <c>Authorization: Bearer mfp_…</c> (personal API tokens). SignalR clients that cannot set headers on a
/// WebSocket pass the token as <c>access_token</c> on /hubs paths. An unknown token answers 401 with a
/// ProblemDetails body.
/// </summary>
public sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiTokenAuthenticator authenticator)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiToken";

    public static string? ReadToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header["Bearer ".Length..].Trim();
        }

        return request.Path.StartsWithSegments("/hubs") && request.Query.TryGetValue("access_token", out var query)
            ? query.ToString()
            : null;
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (ReadToken(Request) is not { Length: > 0 } token)
        {
            return AuthenticateResult.NoResult();
        }

        var principal = await authenticator.AuthenticateAsync(token, SchemeName, Context.RequestAborted);
        return principal is null
            ? AuthenticateResult.Fail("The API token is unknown, revoked or expired, or its user is deactivated.")
            : AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var outcome = await HandleAuthenticateOnceSafeAsync();
        Response.Headers.WWWAuthenticate = "Bearer";
        await Results.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Unauthorized",
                detail: outcome.Failure?.Message ?? "Send a personal API token as 'Authorization: Bearer <token>'.")
            .ExecuteAsync(Context);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: "Your roles do not allow this.")
            .ExecuteAsync(Context);
}
