using Microsoft.AspNetCore.HttpOverrides;
using Monfri.Web.Endpoints;
using Monfri.Web.Components;
using Monfri.Web.Endpoints.Account;
using Monfri.Web.Endpoints.Activities;
using Monfri.Web.Endpoints.Segments;
using Monfri.Web.Endpoints.ApiTokens;
using Monfri.Web.Endpoints.Deals;
using Monfri.Web.Endpoints.Jobs;
using Monfri.Web.Endpoints.Pipelines;
using Monfri.Web.Endpoints.Privacy;
using Monfri.Web.Endpoints.Reports;
using Monfri.Web.Endpoints.Users;
using Monfri.Web.Live;
using Monfri.Web.Security;
using Monfri.Web.Endpoints.Collection;
using Monfri.Web.Endpoints.Companies;
using Monfri.Web.Endpoints.Contacts;
using Monfri.Web.Endpoints.Imports;
using Monfri.Web.Endpoints.Profiles;
using Monfri.Web.Endpoints.Settings;
using Monfri.Web.Endpoints.Traits;
using MudBlazor.Services;
using Scalar.AspNetCore;

namespace Monfri.Web;

public static class DependencyInjection
{
    public static IServiceCollection AddWeb(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddMonfriMediator();
        services.AddMonfriAuthentication(configuration);
        services.AddMonfriRateLimiting(configuration);
        services.AddRazorComponents().AddInteractiveServerComponents();
        // Bottom right: most pages keep their main action at the top right (New contact, New source…), which
        // MudBlazor's default top-right toasts covered for their whole duration.
        services.AddMudServices(mud => mud.SnackbarConfiguration.PositionClass = MudBlazor.Defaults.Classes.Position.BottomRight);
        services.AddSignalR();
        services.AddSingleton<LiveHubSubscriptions>();
        services.AddScoped<CircuitReconnects>();
        services.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler>(sp => sp.GetRequiredService<CircuitReconnects>());
        services.AddProblemDetails();
        services.AddSingleton<CollectHandler>();
        services.AddHostedService<Demo.DemoLiveTraffic>();
        services.AddExceptionHandler<BadRequestProblemHandler>();
        // Binding failures throw (then become ProblemDetails) instead of answering an empty 400.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        // Enums travel as names ("Contact", "Descending"), which clients can read and write.
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter());
            // A condition's "kind" may come anywhere in its object (segment definitions), as clients write it.
            o.SerializerOptions.AllowOutOfOrderMetadataProperties = true;
            // null where a message says a value is always there ("tags": null for a list) is a 400 naming the field;
            // let through, it reached validators and handlers that rightly trust the type, and answered 500.
            // Only when reading: an answer is never refused for a null the type did not expect.
            o.SerializerOptions.RespectNullableAnnotations = true;
            o.SerializerOptions.TypeInfoResolver = System.Text.Json.Serialization.Metadata.JsonTypeInfoResolver.WithAddedModifier(
                o.SerializerOptions.TypeInfoResolver ?? new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
                type =>
                {
                    foreach (var property in type.Properties.Where(p => !p.PropertyType.IsValueType))
                    {
                        property.IsGetNullable = true;
                    }
                });
        });
        services.AddOpenApi(options => options.AddDocumentTransformer<BearerSecurityTransformer>());
        services.Configure<ForwardedHeadersOptions>(options =>
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost);
        return services;
    }

    public static WebApplication UseMonfri(this WebApplication app)
    {
        app.UseForwardedHeaders();
        // Pages get the friendly error page; the API gets ProblemDetails (bad requests via BadRequestProblemHandler).
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/api"), api => api.UseExceptionHandler());
        app.UseWhen(c => !c.Request.Path.StartsWithSegments("/api") && !app.Environment.IsDevelopment(),
            pages => pages.UseExceptionHandler("/error", createScopeForErrors: true));

        // A status without a body gets the app's Not Found page. On the app itself, not in a UseWhen branch: a branch
        // has no global router, so the re-executed /not-found matched nothing and a typed unknown address got an
        // empty 404. Collection answers with its own JSON bodies, never a page; the API answers a status without a
        // body (an unknown address, a body type it does not read) with ProblemDetails — re-executed as a page, a 415
        // had become the Not Found page's 404.
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseWhen(c => IsCollection(c.Request.Path) || c.Request.Path.StartsWithSegments("/api"), notPages => notPages.Use((context, next) =>
        {
            if (context.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } pages)
            {
                pages.Enabled = false;
            }

            return next(context);
        }));
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/api"), api => api.UseStatusCodePages());
        app.UseSecurityHeaders();
        app.UseAuthentication();
        app.UseCurrentUser();
        app.UseMonfriRateLimiting();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapStaticAssets();
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new() { Predicate = check => check.Tags.Contains("ready") }).AllowAnonymous();
        app.MapOpenApi().AllowAnonymous();
        // Offline-friendly: no web fonts, no AI agent, no telemetry calls to third parties.
        app.MapScalarApiReference(options => options.WithTitle("Monfri API").DisableDefaultFonts().DisableAgent().DisableTelemetry().HideDeveloperTools()).AllowAnonymous();

        var api = app.MapGroup("/api/v1").RequireAuthorization().DisableAntiforgery().AddEndpointFilter<StorableQueryFilter>();
        api.MapApiTokenEndpoints();
        api.MapUserEndpoints();
        api.MapCsvExportEndpoints();
        api.MapContactEndpoints();
        api.MapCompanyEndpoints();
        api.MapCrmSettingsEndpoints();
        api.MapDealEndpoints();
        api.MapPipelineEndpoints();
        api.MapActivityEndpoints();
        api.MapImportEndpoints();
        api.MapCdpEndpoints();
        api.MapPeopleEndpoints();
        api.MapPrivacyEndpoints();
        api.MapComputedTraitEndpoints();
        api.MapJobEndpoints();
        api.MapSegmentEndpoints();
        api.MapReportEndpoints();

        app.MapAccountEndpoints();
        app.MapCollectEndpoints();
        app.MapHub<LiveHub>(LiveHub.Path);
        // SecurityHeadersMiddleware already forbids framing (frame-ancestors 'none') in the one policy every page gets.
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(options => options.ContentSecurityFrameAncestorsPolicy = null);
        return app;
    }

    private static bool IsCollection(PathString path) =>
        path.StartsWithSegments("/v1") || path.StartsWithSegments("/beacon") || path.StartsWithSegments("/sourceConfig") || path.StartsWithSegments("/t.js");
}
