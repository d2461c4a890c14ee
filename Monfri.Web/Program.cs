using Monfri.Application;
using Monfri.Infrastructure;
using Monfri.Infrastructure.Postgres;
using Monfri.Web;
using Monfri.Web.Startup;

// The embedded server this start launched, if any: a start that fails after it (a port taken, a migration)
// must stop it, or it outlives us as an orphan holding the data folder's cluster.
EmbeddedPostgres? embedded = null;
try
{
    var builder = WebApplication.CreateBuilder(args);
    // Serves MudBlazor's and Blazor's files from the build output too (not only after publish), so
    // `dotnet run` works in every environment.
    builder.WebHost.UseStaticWebAssets();
    embedded = builder.AddMonfriDatabase();
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
catch (IOException ex) when (ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
{
    Console.Error.WriteLine($"Monfri could not start: {ex.Message} Stop what uses it, or choose another address with ASPNETCORE_URLS.");
    return 1;
}
finally
{
    // After a clean run the host's shutdown has already stopped it (Stop is then a no-op); after a failed start
    // nothing else would: the container does not dispose an instance it was handed.
    embedded?.Stop();
}

/// <summary>Entry point type, visible to tests that host the app.</summary>
public partial class Program;
