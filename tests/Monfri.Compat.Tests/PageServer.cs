using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;
using Monfri.TestSupport;

namespace Monfri.Compat.Tests;

/// <summary>
/// A customer's website: the pages in pages/*.html and the SDK builds from node_modules, served on a loopback
/// port of their own, so every call to Monfri is cross-origin (CORS, preflights and the settings fetch are real).
/// The pages are templates: <c>{{monfri}}</c>, <c>{{writeKey}}</c> and <c>{{snippet}}</c> (the tracker snippet
/// exactly as Settings → Sources shows it) are filled in when served.
/// </summary>
public sealed class PageServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private PageServer(WebApplication app, string origin)
    {
        _app = app;
        Origin = origin;
    }

    /// <summary>http://localhost:{port}, while Monfri is on http://127.0.0.1:{port}: another origin, another site.</summary>
    public string Origin { get; }

    public static string PagesFolder { get; } = Path.Combine(RepoPaths.Root, "tests", "Monfri.Compat.Tests", "pages");

    public static async Task<PageServer> StartAsync(Func<string, string> render)
    {
        var port = MonfriProcess.FreePort();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = PagesFolder });
        builder.WebHost.UseUrls($"http://localhost:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(NodeClients.NodeModules), RequestPath = "/node_modules" });
        app.MapGet("/{name}.html", async (string name) =>
        {
            var file = Path.Combine(PagesFolder, $"{name}.html");
            return name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') && File.Exists(file)
                ? Results.Content(render(await File.ReadAllTextAsync(file)), "text/html; charset=utf-8")
                : Results.NotFound();
        });
        app.MapGet("/favicon.ico", () => Results.NoContent());
        await app.StartAsync();
        return new PageServer(app, $"http://localhost:{port}");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
