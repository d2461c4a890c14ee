using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Monfri.Application.Common.Live;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Security;
using Monfri.Application.Users;
using Monfri.Infrastructure.Demo;
using Monfri.Application.Crm.Imports;
using Monfri.Infrastructure.Identity;
using Monfri.Infrastructure.Import;
using Monfri.Infrastructure.Ingestion;
using Monfri.Infrastructure.Live;
using Monfri.Infrastructure.Persistence;
using Monfri.Infrastructure.Persistence.Interceptors;
using Monfri.Infrastructure.Privacy;
using Monfri.Infrastructure.Scheduling;
using Monfri.Infrastructure.Traits;
using Npgsql;

namespace Monfri.Infrastructure;

public static class DependencyInjection
{
    public static IServiceCollection AddInfrastructure(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString("Monfri")
            ?? throw new InvalidOperationException("ConnectionStrings:Monfri must be set (the embedded server sets it when it starts).");

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(_ => new NpgsqlDataSourceBuilder(connectionString).Build());
        services.AddDbContextFactory<MonfriDbContext>((sp, options) => options
            .UseMonfriNpgsql(sp.GetRequiredService<NpgsqlDataSource>())
            .AddInterceptors(sp.GetRequiredService<AuditInterceptor>()));
        // Identity's stores want a scoped context; everything else uses the factory.
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<MonfriDbContext>>().CreateDbContext());
        services.AddScoped<IMonfriDbFactory, MonfriDbFactory>();
        services.AddSingleton<AuditInterceptor>();
        services.AddSingleton<DatabaseInitializer>();
        services.AddSingleton<DefaultPipelineSeeder>();
        // Keys in the database: a cookie issued by one Monfri process is valid on every other.
        services.AddDataProtection().SetApplicationName("Monfri").PersistKeysToDbContext<MonfriDbContext>();

        services.AddIdentityCore<AppUser>(options =>
            {
                options.User.RequireUniqueEmail = true;
                // Length over composition rules (NIST SP 800-63B).
                options.Password.RequiredLength = UserRules.MinimumPasswordLength;
                options.Password.RequireDigit = false;
                options.Password.RequireLowercase = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireNonAlphanumeric = false;
                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
            })
            .AddRoles<IdentityRole<Guid>>()
            .AddEntityFrameworkStores<MonfriDbContext>()
            .AddSignInManager<MonfriSignInManager>()
            .AddClaimsPrincipalFactory<MonfriClaimsPrincipalFactory>()
            .AddDefaultTokenProviders();
        services.AddSingleton<IIdentityService, IdentityService>();
        services.AddSingleton<ApiTokenAuthenticator>();
        services.AddSingleton<UnknownAccountSignIns>();
        services.AddSingleton<IdentitySeeder>();
        services.Configure<BootstrapOptions>(configuration.GetSection(BootstrapOptions.Section));
        services.AddSingleton<DemoDataSeeder>();
        services.AddSingleton<DemoWorkspace>();
        services.AddSingleton<DemoHistoryLoader>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<DemoHistoryLoader>());
        services.Configure<DemoOptions>(configuration.GetSection(DemoOptions.Section));

        services.AddLiveFeed(configuration);
        services.AddHostedService<TaskReminderService>();
        services.AddImports(configuration);
        services.AddIngestion(configuration);
        services.AddPrivacy();
        services.AddComputedTraits(configuration);
        services.AddSingleton<Monfri.Application.Reports.GetAttribution.IAttributionStore, Reports.AttributionStore>();

        services.AddHealthChecks().AddDbContextCheck<MonfriDbContext>("database", tags: ["ready"]);
        return services;
    }

    private static void AddImports(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ImportOptions>(configuration.GetSection(ImportOptions.Section));
        services.AddSingleton<ImportSignal>();
        services.AddSingleton<IImportStore, ImportStore>();
        services.AddSingleton<ImportRunner>();
        services.AddHostedService<ImportWorker>();
        services.AddSingleton<ImportFileRetention>();
        services.AddHostedService(sp => sp.GetRequiredService<ImportFileRetention>());
    }

    private static void AddLiveFeed(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(LiveFeedOptions.Section).Get<LiveFeedOptions>() ?? new LiveFeedOptions();
        services.AddSingleton<LiveFanout>();
        services.AddSingleton<OwnRecordsAudience>();
        services.AddSingleton<ILiveAudience>(sp => sp.GetRequiredService<OwnRecordsAudience>());
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<OwnRecordsAudience>());
        if (options.Transport == LiveFeedTransport.Postgres)
        {
            services.AddSingleton<ILiveFeed, PostgresLiveFeed>();
            services.AddSingleton<PostgresLiveListener>();
            services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<PostgresLiveListener>());
        }
        else
        {
            services.AddSingleton<ILiveFeed, InProcessLiveFeed>();
        }
    }
}
