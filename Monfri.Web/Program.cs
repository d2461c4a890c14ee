using Monfri.Application;
using Monfri.Infrastructure;
using Monfri.Infrastructure.Postgres;
using Monfri.Web;
using Monfri.Web.Startup;

try
{
    var builder = WebApplication.CreateBuilder(args);
    // Serves MudBlazor's and Blazor's files from the build output too (not only after publish), so
    // `dotnet run` works in every environment.
    builder.WebHost.UseStaticWebAssets();
    builder.AddMonfriDatabase();
    builder.Services
        .AddApplication()
        .AddInfrastructure(builder.Configuration)
        .AddWeb(builder.Configuration);

    var app = builder.Build();
    await app.PrepareDatabaseAsync();
    app.UseMonfri();
    await app.RunAsync();
    return 0;
}
catch (MonfriStartupException ex)
{
    // An operator's problem, not a bug: the message says what to fix; a stack trace would bury it.
    Console.Error.WriteLine($"Monfri could not start: {ex.Message}");
    return 1;
}

/// <summary>Entry point type, visible to tests that host the app.</summary>
public partial class Program;
