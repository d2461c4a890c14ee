using System.Security.Claims;
using Mediator;
using Xunit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Monfri.Application;
using Monfri.Application.Common.Results;
using Monfri.Application.Users;
using Monfri.Application.Users.CreateUser;
using Monfri.Infrastructure;
using Monfri.Infrastructure.Identity;
using Monfri.Web;
using Monfri.Web.Security;

namespace Monfri.TestSupport;

/// <summary>
/// Monfri's real services (Application, Infrastructure, the Mediator pipeline of Web) on a fresh database,
/// without a web server: functional tests send real commands as a chosen user.
/// </summary>
public sealed class MonfriServices : IAsyncDisposable
{
    private MonfriServices(ServiceProvider provider, string connectionString)
    {
        Provider = provider;
        ConnectionString = connectionString;
    }

    public ServiceProvider Provider { get; }
    public string ConnectionString { get; }

    /// <param name="configureServices">Replaces services after Monfri's own are added, e.g. a fake clock.</param>
    public static async Task<MonfriServices> StartAsync(
        string? hint = null,
        IDictionary<string, string?>? settings = null,
        string? connectionString = null,
        bool seed = true,
        Action<IServiceCollection>? configureServices = null)
    {
        connectionString ??= await TestPostgres.CreateDatabaseAsync(hint);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Monfri"] = connectionString,
                // Tests that need the demo's event history or live traffic turn them on; the rest stay fast.
                ["Monfri:Demo:History:Visitors"] = "0",
                ["Monfri:Demo:LiveTraffic:EventsPerSecond"] = "0",
            })
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>())
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddApplication().AddInfrastructure(configuration);
        services.AddMonfriMediator();
        services.AddAuthentication();
        services.AddScoped<CurrentUser>();
        services.AddScoped<Monfri.Application.Common.Security.ICurrentUser>(sp => sp.GetRequiredService<CurrentUser>());
        configureServices?.Invoke(services);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        if (seed)
        {
            await provider.GetRequiredService<IdentitySeeder>().SeedAsync(CancellationToken.None);
            await provider.GetRequiredService<Monfri.Infrastructure.Persistence.DefaultPipelineSeeder>().SeedAsync(CancellationToken.None);
        }

        return new MonfriServices(provider, connectionString);
    }

    public T Get<T>() where T : notnull => Provider.GetRequiredService<T>();

    /// <summary>Sends a request through the whole pipeline as <paramref name="user"/> (null: anonymous).</summary>
    public async Task<TResponse> SendAs<TResponse>(ClaimsPrincipal? user, IRequest<TResponse> request)
    {
        await using var scope = Provider.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>().Set(user ?? new ClaimsPrincipal(new ClaimsIdentity()));
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(request);
    }

    public async Task<TResponse> SendAs<TResponse>(ClaimsPrincipal? user, ICommand<TResponse> command)
    {
        await using var scope = Provider.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>().Set(user ?? new ClaimsPrincipal(new ClaimsIdentity()));
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(command);
    }

    public async Task<TResponse> SendAs<TResponse>(ClaimsPrincipal? user, IQuery<TResponse> query)
    {
        await using var scope = Provider.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>().Set(user ?? new ClaimsPrincipal(new ClaimsIdentity()));
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(query);
    }

    /// <summary>The principal a signed-in user gets (claims from Identity, as after sign-in).</summary>
    public async Task<ClaimsPrincipal> PrincipalOf(Guid userId)
    {
        await using var scope = Provider.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<AppUser>>();
        var user = await users.FindByIdAsync(userId.ToString()) ?? throw new InvalidOperationException("No such user.");
        var factory = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.IUserClaimsPrincipalFactory<AppUser>>();
        return await factory.CreateAsync(user);
    }

    /// <summary>The bootstrap admin (created by the seeder).</summary>
    public async Task<ClaimsPrincipal> AdminAsync()
    {
        var admin = (await Get<Monfri.Application.Common.Security.IIdentityService>().ListUsersAsync(CancellationToken.None))
            .First(u => u.Roles.Contains(Domain.Common.Roles.Admin));
        return await PrincipalOf(admin.Id);
    }

    /// <summary>Creates a user with the given roles (as the admin) and returns them with their principal.</summary>
    public async Task<(UserDto User, ClaimsPrincipal Principal)> CreateUserAsync(string name, params string[] roles)
    {
        var email = $"{name.ToLowerInvariant()}.{Guid.NewGuid():N}@example.test";
        var created = await SendAs(await AdminAsync(), new CreateUserCommand(email, name, "correct-horse-battery", roles));
        Assert.True(created.IsSuccess, created.ErrorMessage);
        return (created.Value, await PrincipalOf(created.Value.Id));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var hosted in Provider.GetServices<IHostedService>().Reverse())
        {
            await hosted.StopAsync(CancellationToken.None);
        }

        await Provider.DisposeAsync();
    }
}

public static class ResultAssert
{
    public static void Status(ResultStatus expected, Result result) =>
        Assert.True(result.Status == expected, $"Expected {expected} but was {result.Status}: {result.ErrorMessage}");
}
