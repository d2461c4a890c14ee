using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Monfri.TestSupport;

namespace Monfri.Web.Tests.Http;

/// <summary>The whole web app in memory on a fresh database, with the bootstrap admin and its token.</summary>
public sealed class MonfriWebFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string AdminToken = "mfp_web_tests_admin_token_0123456789";
    private string _connectionString = "";

    public async Task InitializeAsync() => _connectionString = await TestPostgres.CreateDatabaseAsync("web");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("ConnectionStrings:Monfri", _connectionString);
        builder.UseSetting("Monfri:Bootstrap:AdminEmail", "admin@web.test");
        builder.UseSetting("Monfri:Bootstrap:AdminPassword", "web-admin-password");
        builder.UseSetting("Monfri:Bootstrap:AdminApiToken", AdminToken);
        builder.UseSetting("Monfri:Demo:Enabled", "false");
        // Rate limits count per client address; tests choose theirs (the in-memory server has none).
        builder.WithClientAddressHeader();
    }

    public HttpClient ClientWithToken(string? token)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();
}
