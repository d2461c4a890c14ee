using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using Monfri.Infrastructure.Identity;

namespace Monfri.Web.Endpoints.Account;

/// <summary>Cookie actions that need a real HTTP request (a Blazor circuit cannot set cookies).</summary>
public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        var account = app.MapGroup("/account").ExcludeFromDescription();

        // A form post with an antiforgery token, so another site cannot sign a user out. The antiforgery
        // middleware only validates endpoints that bind a form, which this one does not: it checks itself.
        account.MapPost("/logout", async (SignInManager<AppUser> signIn, IAntiforgery antiforgery, HttpContext context, string? reason) =>
        {
            var next = reason is "idle" ? "/account/login?idle=1" : "/account/login?signedOut=1";
            if (context.User.Identity?.IsAuthenticated != true)
            {
                // Nothing to sign out (e.g. the idle timer fired after the cookie expired, which also makes the
                // token, issued to the signed-in user, no longer match): no harm in any site asking.
                return Results.LocalRedirect(next);
            }

            if (!await antiforgery.IsRequestValidAsync(context))
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request",
                    detail: "Sign out from Monfri's own menu: this request carried no valid antiforgery token.");
            }

            await signIn.SignOutAsync();
            return Results.LocalRedirect(next);
        });

        // The idle timer in the browser pings this while the user is active, sliding the cookie's expiry.
        account.MapPost("/keepalive", () => Results.NoContent()).RequireAuthorization().DisableAntiforgery();
        return app;
    }
}
