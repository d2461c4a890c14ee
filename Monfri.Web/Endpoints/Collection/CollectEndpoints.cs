using System.Text;
using Microsoft.Extensions.Options;
using Monfri.Application.Cdp.Collection;
using Monfri.Application.Cdp.Common;
using Monfri.Infrastructure.Ingestion;
using Monfri.Infrastructure.Privacy;
using Npgsql;

namespace Monfri.Web.Endpoints.Collection;

/// <summary>
/// The Segment HTTP tracking API (and RudderStack's additions) that unmodified official SDKs send to; see
/// docs in /work/shared/segment-compat.md. Status codes are what the clients act on: 400 drop, 401 drop,
/// 429 wait (Retry-After) and retry, 5xx retry — so 5xx is only ever a transient fault.
/// </summary>
public static class CollectEndpoints
{
    private static readonly Dictionary<string, string?> Calls = new(StringComparer.OrdinalIgnoreCase)
    {
        ["identify"] = "identify", ["i"] = "identify",
        ["track"] = "track", ["t"] = "track",
        ["page"] = "page", ["p"] = "page",
        ["screen"] = "screen", ["s"] = "screen",
        ["group"] = "group", ["g"] = "group",
        ["alias"] = "alias", ["a"] = "alias",
        ["batch"] = null, ["b"] = null,
    };

    public static IEndpointRouteBuilder MapCollectEndpoints(this IEndpointRouteBuilder app)
    {
        var collect = app.MapGroup("").AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        collect.MapPost("/v1/{call}", (string call, HttpContext http, CollectHandler handler) =>
            Calls.TryGetValue(call, out var type) ? handler.HandleAsync(http, type)
            : call.Equals("m", StringComparison.OrdinalIgnoreCase) ? Task.FromResult(Cors(http, Results.Ok(new { success = true })))
            : Task.FromResult(Results.NotFound()));
        collect.MapPost("/beacon/v1/batch", (HttpContext http, CollectHandler handler) => handler.HandleAsync(http, null));
        collect.MapMethods("/v1/{**rest}", ["OPTIONS"], Preflight);
        collect.MapMethods("/beacon/{**rest}", ["OPTIONS"], Preflight);
        collect.MapMethods("/sourceConfig/{**rest}", ["OPTIONS"], Preflight);
        collect.MapGet("/v1/projects/{writeKey}/settings", SegmentSettingsAsync);
        collect.MapGet("/sourceConfig", RudderConfigAsync);
        collect.MapGet("/t.js", (HttpContext http) =>
        {
            http.Response.Headers.CacheControl = "public, max-age=3600";
            http.Response.Headers["Cross-Origin-Resource-Policy"] = "cross-origin";
            return Results.Text(Tracker.Script, "application/javascript; charset=utf-8");
        });
        return app;
    }

    /// <summary>Preflight for the browser SDKs' Authorization, X-Retry-Count, AnonymousId, SentAt and Rsa-* headers.</summary>
    private static IResult Preflight(HttpContext http)
    {
        Cors(http, Results.Empty);
        var headers = http.Response.Headers;
        headers.AccessControlAllowMethods = "GET, POST, OPTIONS";
        headers.AccessControlAllowHeaders = http.Request.Headers.AccessControlRequestHeaders.Count > 0
            ? http.Request.Headers.AccessControlRequestHeaders.ToString()
            : "Authorization, Content-Type, Content-Encoding, X-Retry-Count, AnonymousId, SentAt";
        headers.AccessControlMaxAge = "86400";
        return Results.NoContent();
    }

    /// <summary>Echoes the page's origin (never '*', so credentialed requests work too).</summary>
    internal static IResult Cors(HttpContext http, IResult result)
    {
        var origin = http.Request.Headers.Origin.ToString();
        var headers = http.Response.Headers;
        headers.AccessControlAllowOrigin = origin.Length > 0 ? origin : "*";
        if (origin.Length > 0)
        {
            headers.AccessControlAllowCredentials = "true";
            headers.Vary = "Origin";
        }

        return result;
    }

    /// <summary>analytics-next's settings: only the Segment.io integration, pointed back at this server.</summary>
    private static async Task<IResult> SegmentSettingsAsync(string writeKey, HttpContext http, ISourceDirectory sources)
    {
        Cors(http, Results.Empty);
        var source = await sources.FindAsync(writeKey, http.RequestAborted);
        if (source is not { Enabled: true })
        {
            return Results.Json(new { success = false, message = "Unknown or disabled write key." }, statusCode: 401);
        }

        var settings = new Dictionary<string, object>
        {
            ["integrations"] = new Dictionary<string, object>
            {
                ["Segment.io"] = new Dictionary<string, object>
                {
                    ["apiKey"] = writeKey,
                    ["apiHost"] = $"{http.Request.Host}{http.Request.PathBase}/v1",
                    ["protocol"] = http.Request.Scheme,
                    ["addBundledMetadata"] = true,
                    ["unbundledIntegrations"] = Array.Empty<string>(),
                    ["maybeBundledConfigIds"] = new Dictionary<string, object>(),
                    ["versionSettings"] = new { version = "4.4.7", componentTypes = new[] { "browser" } },
                },
            },
            ["plan"] = new
            {
                track = new Dictionary<string, object> { ["__default"] = new { enabled = true, integrations = new Dictionary<string, object>() } },
                identify = new Dictionary<string, object> { ["__default"] = new { enabled = true } },
                group = new Dictionary<string, object> { ["__default"] = new { enabled = true } },
            },
            ["analyticsNextEnabled"] = true,
            ["middlewareSettings"] = new Dictionary<string, object>(),
            ["enabledMiddleware"] = new Dictionary<string, object>(),
            ["metrics"] = new { sampleRate = 0 },
            ["legacyVideoPluginsEnabled"] = false,
            ["remotePlugins"] = Array.Empty<object>(),
        };
        return Results.Json(settings);
    }

    /// <summary>RudderStack's source config: the source, enabled, with no destinations (nothing loads from their CDN).</summary>
    private static async Task<IResult> RudderConfigAsync(HttpContext http, ISourceDirectory sources)
    {
        Cors(http, Results.Empty);
        var key = CollectHandler.KeyFromHeader(http.Request) ?? http.Request.Query["writeKey"].ToString();
        var source = string.IsNullOrEmpty(key) ? null : await sources.FindAsync(key, http.RequestAborted);
        if (source is not { Enabled: true })
        {
            return Results.Json(new { success = false, message = "Unknown or disabled write key." }, statusCode: 401);
        }

        return Results.Json(new
        {
            isHosted = false,
            source = new
            {
                id = source.Id.ToString("N"),
                name = source.Name,
                writeKey = key,
                enabled = true,
                workspaceId = "monfri",
                deleted = false,
                config = new { statsCollection = new { errors = new { enabled = false }, metrics = new { enabled = false } } },
                destinations = Array.Empty<object>(),
            },
        });
    }
}

/// <summary>One collection request, from limits and key to the durable append.</summary>
public sealed class CollectHandler(
    ISourceDirectory sources, IIngestIntake intake, ISourceDebugFeed debug, SuppressionList suppression, IOptions<IngestOptions> options, TimeProvider clock,
    ILogger<CollectHandler> logger)
{
    private readonly SemaphoreSlim _inFlight = new(options.Value.MaxConcurrentRequests);

    public async Task<IResult> HandleAsync(HttpContext http, string? type)
    {
        CollectEndpoints.Cors(http, Results.Empty);
        if (intake.IsOverloaded || !await _inFlight.WaitAsync(0))
        {
            return Overloaded(http, intake.IsOverloaded ? 5 : 1);
        }

        try
        {
            return await AcceptAsync(http, type);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException && !http.RequestAborted.IsCancellationRequested)
        {
            // The events are not durable, so no 2xx; 503 makes the client retry (never 501/505/511, which it drops).
            logger.LogWarning(ex, "Could not store a collection request");
            http.Response.Headers.RetryAfter = "2";
            return Answer(503, "Events could not be stored right now; retry.");
        }
        finally
        {
            _inFlight.Release();
        }
    }

    private async Task<IResult> AcceptAsync(HttpContext http, string? type)
    {
        var receivedAt = clock.GetUtcNow();
        var headerKey = KeyFromHeader(http.Request) ?? NullIfEmpty(http.Request.Query["writeKey"].ToString());
        SourceKey? source = null;
        if (headerKey is not null && (source = await sources.FindAsync(headerKey, http.RequestAborted)) is not { Enabled: true })
        {
            if (source is null)
            {
                return Answer(401, UnknownKey);
            }

            var (refusedBody, _) = await CollectBody.ReadAsync(http.Request, http.RequestAborted);
            return Disabled(source, refusedBody.Span, receivedAt);
        }

        var (body, readError) = await CollectBody.ReadAsync(http.Request, http.RequestAborted);
        if (readError is not null)
        {
            return Refused(source, readError, default, receivedAt);
        }

        var (batch, failure) = EventBatchParser.Parse(body, type, receivedAt);
        if (failure is not null)
        {
            source ??= failure.BodyWriteKey is { Length: > 0 } key ? await sources.FindAsync(key, http.RequestAborted) : null;
            return source is { Enabled: false } ? Disabled(source, body.Span, receivedAt) : Refused(source, failure.Message, body.Span, receivedAt);
        }

        if (source is null)
        {
            source = batch!.BodyWriteKey is { Length: > 0 } bodyKey ? await sources.FindAsync(bodyKey, http.RequestAborted) : null;
            if (source is { Enabled: false })
            {
                return Disabled(source, body.Span, receivedAt);
            }

            if (source is null)
            {
                return Answer(401, batch!.BodyWriteKey is null ? "Send the write key (Basic auth user name, or \"writeKey\" in the body)." : UnknownKey);
            }
        }

        if (!source.AllowsOrigin(NullIfEmpty(http.Request.Headers.Origin.ToString())))
        {
            const string notAllowed = "This source does not accept events from this origin.";
            debug.Record(source.Id, [DebugEvent.ForRequest($"{notAllowed} ({http.Request.Headers.Origin})", body.Span, receivedAt)]);
            return Answer(403, notAllowed);
        }

        // Room is reserved for the whole batch before it is written: a burst of requests cannot overshoot the cap,
        // and a refused request stores nothing, so the client's retry of all of it duplicates nothing.
        if (batch!.AcceptedCount > 0 && !await intake.AppendAsync(source.Id, receivedAt, batch.AcceptedJson, batch.AcceptedCount, http.RequestAborted))
        {
            return Overloaded(http, 5);
        }

        debug.Record(source.Id, suppression.MarkSuppressed(batch.Debug));
        if (type is not null && batch.Rejected.Count > 0)
        {
            return Answer(400, batch.Rejected[0].Reason);
        }

        return batch.Rejected.Count == 0
            ? Results.Json(new { success = true })
            : Results.Json(new { success = true, accepted = batch.AcceptedCount, rejected = batch.Rejected.Select(r => new { index = r.Index, reason = r.Reason }) });
    }

    /// <summary>
    /// A request refused as a whole (400): shown as one row in the source's debugger — only when its write key
    /// named an enabled source, so a stranger's garbage never shows up in anyone's debugger.
    /// </summary>
    private IResult Refused(SourceKey? source, string reason, ReadOnlySpan<byte> body, DateTimeOffset receivedAt)
    {
        if (source is { Enabled: true })
        {
            debug.Record(source.Id, [DebugEvent.ForRequest(reason, body, receivedAt)]);
        }

        return Answer(400, reason);
    }

    /// <summary>What clients are told for a key that names no enabled source (they drop the batch on 401).</summary>
    private const string UnknownKey = "Unknown or disabled write key.";

    /// <summary>The debugger row of a request refused because its (known) source is disabled.</summary>
    public const string DisabledReason = "Source disabled: the request was refused (401) and its events were not stored. Enable the source in Settings → Sources.";

    /// <summary>
    /// A request with the key of a disabled source: refused like an unknown key (401), and shown in that source's
    /// debugger, so whoever looks there sees why nothing arrives. An unknown key shows up nowhere.
    /// </summary>
    private IResult Disabled(SourceKey source, ReadOnlySpan<byte> body, DateTimeOffset receivedAt)
    {
        debug.Record(source.Id, [DebugEvent.ForRequest(DisabledReason, body, receivedAt)]);
        return Answer(401, UnknownKey);
    }

    /// <summary>Basic auth: the write key is the user name, the password empty (a missing colon is tolerated).</summary>
    public static string? KeyFromHeader(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            return NullIfEmpty(colon < 0 ? decoded : decoded[..colon]);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static IResult Overloaded(HttpContext http, int seconds)
    {
        http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Answer(429, "Monfri is catching up with incoming events; retry after the Retry-After delay.");
    }

    private static IResult Answer(int status, string message) => Results.Json(new { success = false, message }, statusCode: status);

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
