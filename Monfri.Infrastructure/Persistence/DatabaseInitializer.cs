using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Logging;
using Monfri.Application.Common.Persistence;
using Monfri.Infrastructure.Postgres;
using Npgsql;

namespace Monfri.Infrastructure.Persistence;

/// <summary>
/// Brings the database to the current schema at start-up. Creates the database when the server lacks it,
/// fails fast with a readable message when the server cannot be reached, and applies migrations under a
/// PostgreSQL advisory lock so several Monfri processes starting together migrate exactly once. The same lock
/// covers the seeders that run after the migrations (roles, the first admin, pipelines, sources, demo): each
/// checks and then creates, which two processes starting on a new database would otherwise both do.
/// </summary>
public sealed class DatabaseInitializer(
    NpgsqlDataSource dataSource,
    IDbContextFactory<MonfriDbContext> dbFactory,
    ILogger<DatabaseInitializer> logger)
{
    private const long StartupLockKey = AdvisoryLocks.Startup;

    public Task MigrateAsync(CancellationToken cancellationToken) =>
        PrepareAsync(_ => Task.FromResult(true), cancellationToken);

    /// <summary>Migrates, then runs <paramref name="seedAsync"/> while still holding the start-up lock.</summary>
    public async Task<T> PrepareAsync<T>(Func<CancellationToken, Task<T>> seedAsync, CancellationToken cancellationToken)
    {
        await EnsureDatabaseExistsAsync(cancellationToken);

        await using var lockConnection = await OpenAsync(cancellationToken);
        // No command timeout: another process holding the lock is migrating or seeding (the demo takes tens of
        // seconds on a busy machine), and waiting for it is the point; stopping the start still cancels the wait.
        await using (var acquire = new NpgsqlCommand($"SELECT pg_advisory_lock({StartupLockKey})", lockConnection) { CommandTimeout = 0 })
        {
            await acquire.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            // Created up front so the pending-migrations query never fails on an empty database.
            await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(cancellationToken);
            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            if (pending.Count > 0)
            {
                logger.LogInformation("Applying {Count} database migration(s): {Names}", pending.Count, string.Join(", ", pending));
                await db.Database.MigrateAsync(cancellationToken);
            }

            return await seedAsync(cancellationToken);
        }
        finally
        {
            await using var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({StartupLockKey})", lockConnection);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    private async Task EnsureDatabaseExistsAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var probe = await dataSource.OpenConnectionAsync(cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
            var target = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
            var database = target.Database!;
            logger.LogInformation("Database {Database} does not exist yet; creating it", database);
            target.Database = "postgres";
            target.Pooling = false;
            // CloneWith keeps the password, which the data source's connection string no longer shows.
            await using var original = dataSource.CreateConnection();
            await using var admin = original.CloneWith(target.ConnectionString);
            await admin.OpenAsync(cancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.Replace("\"", "\"\"")}\"", admin);
            try
            {
                await create.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (PostgresException race) when (race.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
            {
                // Another Monfri process created it first.
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or SocketException or TimeoutException)
        {
            throw Unreachable(ex);
        }
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await dataSource.OpenConnectionAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or SocketException or TimeoutException)
        {
            throw Unreachable(ex);
        }
    }

    private MonfriStartupException Unreachable(Exception ex)
    {
        var target = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        var reason = ex is PostgresException pg ? pg.MessageText : ex.InnerException?.Message ?? ex.Message;
        return new MonfriStartupException(
            $"Cannot connect to PostgreSQL at {target.Host}:{target.Port} (database '{target.Database}', user '{target.Username}') " +
            $"given by ConnectionStrings__Monfri: {reason}. Check the setting, or unset it to use the embedded server.", ex);
    }
}
