using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Identity;

namespace Monfri.Web.Security;

public static class AuthenticationSetup
{
    private const string CookieOrToken = "CookieOrToken";

    /// <summary>
    /// Cookies for people in the browser, bearer tokens for scripts; one policy scheme picks per request,
    /// so every endpoint and the hub accept either.
    /// </summary>
    public static IServiceCollection AddMonfriAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<SecurityOptions>(configuration.GetSection(SecurityOptions.Section));
        var security = configuration.GetSection(SecurityOptions.Section).Get<SecurityOptions>() ?? new SecurityOptions();

        services.AddAuthentication(options =>
            {
                options.DefaultScheme = CookieOrToken;
                options.DefaultChallengeScheme = CookieOrToken;
                options.DefaultForbidScheme = CookieOrToken;
            })
            .AddPolicyScheme(CookieOrToken, "Cookie or API token", options =>
                options.ForwardDefaultSelector = context =>
                    ApiTokenAuthenticationHandler.ReadToken(context.Request) is not null
                        ? ApiTokenAuthenticationHandler.SchemeName
                        : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.SchemeName, null)
            .AddIdentityCookies();

        services.ConfigureApplicationCookie(options =>
        {
            options.Cookie.Name = "monfri.auth";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.LoginPath = "/account/login";
            options.LogoutPath = "/account/logout";
            options.AccessDeniedPath = "/account/denied";
            options.ExpireTimeSpan = TimeSpan.FromMinutes(security.IdleTimeoutMinutes);
            options.SlidingExpiration = true;
            options.Events.OnRedirectToLogin = context => IsApi(context.Request)
                ? Problem(context.HttpContext, StatusCodes.Status401Unauthorized, "Sign in, or send 'Authorization: Bearer <API token>'.")
                : Redirect(context);
            options.Events.OnRedirectToAccessDenied = context => IsApi(context.Request)
                ? Problem(context.HttpContext, StatusCodes.Status403Forbidden, "Your roles do not allow this.")
                : Redirect(context);
        });
        // How soon a deactivated user's cookie stops working on plain HTTP requests.
        services.Configure<SecurityStampValidatorOptions>(options => options.ValidationInterval = TimeSpan.FromSeconds(security.RevalidateSeconds));

        services.AddAuthorization(options => options.AddPermissionPolicies());
        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, RevalidatingAuthenticationStateProvider>();
        services.AddScoped<CurrentUser>();
        services.AddScoped<Monfri.Application.Common.Security.ICurrentUser>(sp => sp.GetRequiredService<CurrentUser>());
        services.AddScoped<CircuitHandler, UserCircuitHandler>();
        return services;
    }

    /// <summary>Makes the request's user the sender of every Mediator request in this HTTP scope.</summary>
    public static IApplicationBuilder UseCurrentUser(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            context.RequestServices.GetRequiredService<CurrentUser>().Set(context.User);
            return next(context);
        });

    private static bool IsApi(HttpRequest request) =>
        request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/hubs");

    private static Task Redirect(RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> context)
    {
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    private static Task Problem(HttpContext context, int status, string detail) =>
        Results.Problem(statusCode: status, detail: detail).ExecuteAsync(context);
}
