using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Monfri.Infrastructure.Persistence;
using Monfri.Infrastructure.Postgres;
using Monfri.TestSupport;
using Npgsql;

namespace Monfri.Application.Tests.Persistence;

public sealed class MigrationTests
{
    private static DatabaseInitializer Initializer(NpgsqlDataSource dataSource)
    {
        var services = new ServiceCollection()
            .AddDbContextFactory<MonfriDbContext>(o => o.UseMonfriNpgsql(dataSource))
            .BuildServiceProvider();
        return new DatabaseInitializer(dataSource, services.GetRequiredService<IDbContextFactory<MonfriDbContext>>(), NullLogger<DatabaseInitializer>.Instance);
    }

    [Fact]
    public async Task Several_processes_starting_at_once_create_the_database_and_migrate_it_exactly_once()
    {
        var connectionString = await TestPostgres.UnusedDatabaseAsync();
        var sources = Enumerable.Range(0, 4).Select(_ => NpgsqlDataSource.Create(connectionString)).ToList();

        await Task.WhenAll(sources.Select(s => Initializer(s).MigrateAsync(CancellationToken.None)));

        await using var db = new MonfriDbContext(new DbContextOptionsBuilder<MonfriDbContext>().UseMonfriNpgsql(connectionString).Options);
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        var applied = await db.Database.GetAppliedMigrationsAsync();
        Assert.Equal(db.Database.GetMigrations(), applied);
        foreach (var source in sources)
        {
            await source.DisposeAsync();
        }
    }

    [Fact]
    public async Task Processes_starting_together_seed_one_after_the_other_under_the_start_up_lock()
    {
        // The seeders check and then create (roles, the first admin): run side by side, two processes on a new
        // database both create and one fails on a unique index. Under the lock the second sees the first's rows.
        var connectionString = await TestPostgres.UnusedDatabaseAsync();
        var sources = Enumerable.Range(0, 3).Select(_ => NpgsqlDataSource.Create(connectionString)).ToList();
        var inside = 0;
        var mostInside = 0;

        await Task.WhenAll(sources.Select(s => Initializer(s).PrepareAsync(
            async _ =>
            {
                var now = Interlocked.Increment(ref inside);
                InterlockedMax(ref mostInside, now);
                await Task.Delay(200);
                Interlocked.Decrement(ref inside);
                return now;
            },
            CancellationToken.None)));

        Assert.Equal(1, mostInside);
        foreach (var source in sources)
        {
            await source.DisposeAsync();
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    [Fact]
    public async Task The_model_has_no_changes_missing_from_the_committed_migrations()
    {
        await using var db = new MonfriDbContext(new DbContextOptionsBuilder<MonfriDbContext>().UseMonfriNpgsql("Host=localhost").Options);

        Assert.False(db.Database.HasPendingModelChanges(), "Run: dotnet ef migrations add <Name> --project Monfri.Infrastructure --startup-project Monfri.Infrastructure --output-dir Persistence/Migrations");
    }

    [Fact]
    public async Task An_unreachable_server_fails_fast_naming_the_setting_and_the_host()
    {
        var port = MonfriProcess.FreePort();
        await using var dataSource = NpgsqlDataSource.Create($"Host=127.0.0.1;Port={port};Username=x;Password=y;Database=monfri;Timeout=3");

        var failure = await Assert.ThrowsAsync<MonfriStartupException>(() => Initializer(dataSource).MigrateAsync(CancellationToken.None));

        Assert.Contains($"127.0.0.1:{port}", failure.Message, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings__Monfri", failure.Message, StringComparison.Ordinal);
    }
}
