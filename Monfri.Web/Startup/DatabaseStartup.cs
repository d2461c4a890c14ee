using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Monfri.Infrastructure.Demo;
using Monfri.Infrastructure.Identity;
using Monfri.Infrastructure.Persistence;
using Monfri.Infrastructure.Postgres;

namespace Monfri.Web.Startup;

/// <summary>Database set-up at start-up: embedded server when no connection string is given, migrations, first admin, default pipeline, demo data.</summary>
public static class DatabaseStartup
{
    /// <summary>
    /// With ConnectionStrings:Monfri set, Monfri uses that server and starts nothing. Without it, Monfri
    /// starts its own cluster in Monfri:DataDirectory and points the connection string at it.
    /// Returns the server it started (null with a connection string), so a start that fails later can stop it.
    /// </summary>
    public static EmbeddedPostgres? AddMonfriDatabase(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        if (!string.IsNullOrWhiteSpace(configuration.GetConnectionString("Monfri")))
        {
            return null;
        }

        using var loggers = LoggerFactory.Create(logging => logging.AddConfiguration(configuration.GetSection("Logging")).AddSimpleConsole());
        var server = EmbeddedPostgres.Start(
            new EmbeddedPostgresOptions
            {
                DataDirectory = configuration["Monfri:DataDirectory"] is { Length: > 0 } folder ? folder : DefaultDataDirectory(),
                BinDirectory = configuration["Monfri:Postgres:BinDirectory"],
                Port = configuration.GetValue<int?>("Monfri:Postgres:Port"),
            },
            loggers.CreateLogger<EmbeddedPostgres>());

        configuration["ConnectionStrings:Monfri"] = server.ConnectionString;
        builder.Services.AddSingleton(server);
        // Registered before every other hosted service, so it is stopped after all of them.
        builder.Services.AddHostedService<EmbeddedPostgresLifetime>();
        // Start-up may still fail after this point (a migration, a port); the server must not outlive us.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Stop();
        return server;
    }

    /// <summary>~/.local/share/monfri on Linux.</summary>
    public static string DefaultDataDirectory() =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "monfri");

    public static async Task PrepareDatabaseAsync(this WebApplication app)
    {
        var stopping = app.Lifetime.ApplicationStopping;
        // The seeders run under the start-up lock: a second process starting together waits, then finds it all.
        var (report, demo) = await app.Services.GetRequiredService<DatabaseInitializer>().PrepareAsync(
            async cancellationToken =>
            {
                var report = await app.Services.GetRequiredService<IdentitySeeder>().SeedAsync(cancellationToken);
                await app.Services.GetRequiredService<DefaultPipelineSeeder>().SeedAsync(cancellationToken);
                await app.Services.GetRequiredService<Monfri.Infrastructure.Ingestion.SourceBootstrapper>().SeedAsync(cancellationToken);
                // Last: it fills the workspace other seeders have set up (roles, the admin, the default pipeline).
                var demo = await app.Services.GetRequiredService<DemoDataSeeder>().SeedAsync(cancellationToken);
                return (report, demo);
            },
            stopping);
        app.Lifetime.ApplicationStarted.Register(() => PrintBanner(app, report, demo));
    }

    private static void PrintBanner(WebApplication app, BootstrapReport report, DemoReport demo)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var url = addresses.FirstOrDefault()?.Replace("://[::]", "://localhost").Replace("://0.0.0.0", "://localhost").Replace("://+", "://localhost") ?? "(no address)";
        var login = report switch
        {
            { GeneratedPassword: { } password } =>
                $"  Sign in as {report.AdminEmail} with password {password}\n" +
                "  (generated now and shown only this once; set Monfri__Bootstrap__AdminPassword to choose your own)",
            { PasswordFromConfiguration: true } =>
                $"  Sign in as {report.AdminEmail} with the password in Monfri__Bootstrap__AdminPassword",
            _ =>
                $"  Sign in as {report.AdminEmail} with the password printed when it was created\n" +
                "  (forgot it? start once with Monfri__Bootstrap__AdminPassword=<new password, 12+ characters>)",
        };
        Console.WriteLine();
        Console.WriteLine($"  Monfri is running at {url}");
        Console.WriteLine(login);
        if (demo.SignIns.Count > 0)
        {
            Console.WriteLine($"  Demo users (password {DemoDataSeeder.Password}): {string.Join(", ", demo.SignIns)} …");
        }

        if (demo.IsDemo)
        {
            var root = url.TrimEnd('/');
            Console.WriteLine($"  Where to look first: open Visitors to watch live traffic ({root}/visitors); Pipeline for the board ({root}/pipeline)");
        }

        Console.WriteLine();
    }

    private sealed class EmbeddedPostgresLifetime(EmbeddedPostgres server) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken)
        {
            server.Stop();
            return Task.CompletedTask;
        }
    }
}
