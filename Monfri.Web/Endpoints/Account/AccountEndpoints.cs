using Microsoft.AspNetCore.Identity;
using Monfri.Infrastructure.Identity;

namespace Monfri.Web.Endpoints.Account;

/// <summary>Cookie actions that need a real HTTP request (a Blazor circuit cannot set cookies).</summary>
public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        var account = app.MapGroup("/account").ExcludeFromDescription();

        // A form post with an antiforgery token, so another site cannot sign a user out.
        account.MapPost("/logout", async (SignInManager<AppUser> signIn, HttpContext context, string? reason) =>
        {
            await signIn.SignOutAsync();
            return Results.LocalRedirect(reason is "idle" ? "/account/login?idle=1" : "/account/login?signedOut=1");
        });

        // The idle timer in the browser pings this while the user is active, sliding the cookie's expiry.
        account.MapPost("/keepalive", () => Results.NoContent()).RequireAuthorization().DisableAntiforgery();
        return app;
    }
}
