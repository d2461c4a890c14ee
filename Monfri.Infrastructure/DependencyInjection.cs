using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
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
using Monfri.Infrastructure.Segments;
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
            .AddInterceptors(sp.GetRequiredService<AuditInterceptor>(), sp.GetRequiredService<DomainEventInterceptor>(), sp.GetRequiredService<Segments.SegmentChangeInterceptor>()));
        // Identity's stores want a scoped context; everything else uses the factory.
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<MonfriDbContext>>().CreateDbContext());
        services.AddScoped<IMonfriDbFactory, MonfriDbFactory>();
        services.AddSingleton<AuditInterceptor>();
        services.AddSingleton<DomainEventInterceptor>();
        services.AddSingleton<DatabaseInitializer>();
        services.AddSingleton<DefaultPipelineSeeder>();
        // Set-based SQL behind the use cases' ports, run on their own unit of work.
        services.AddSingleton<Application.Cdp.Merges.IProfileMergeStore, Merges.ProfileMergeStore>();
        services.AddSingleton<Application.Cdp.Traits.IComputedTraitStore, ComputedTraitUseCaseStore>();
        services.AddSingleton<Application.Crm.Common.IDuplicateQueries, DuplicateQueries>();
        services.AddSingleton<Application.Crm.Companies.ICompanyMergeStore, Merges.CompanyMergeStore>();
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
        services.AddJobScheduler(configuration);
        services.AddJob<TaskReminderService>(TaskReminderService.Kind, every: _ => TaskReminderService.Interval);
        services.AddImports(configuration);
        services.AddIngestion(configuration);
        services.AddPrivacy();
        services.AddComputedTraits(configuration);
        services.AddSegments(configuration);
        services.AddSingleton<Monfri.Application.Reports.GetAttribution.IAttributionStore, Reports.AttributionStore>();

        services.AddHealthChecks().AddDbContextCheck<MonfriDbContext>("database", tags: ["ready"]);
        return services;
    }

    private static void AddImports(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ImportOptions>(configuration.GetSection(ImportOptions.Section));
        services.AddSingleton<IImportStore, ImportStore>();
        services.AddJob<ImportJobHandler>(ImportJobHandler.Kind, concurrency: sp => sp.GetRequiredService<IOptions<ImportOptions>>().Value.Workers);
        services.AddJob<ImportFileRetention>(ImportFileRetention.Kind, every: _ => ImportFileRetention.Interval);
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
