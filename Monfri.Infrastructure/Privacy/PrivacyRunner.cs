using System.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Monfri.Application.Common.Live;
using Monfri.Application.Privacy;
using Monfri.Domain.Privacy;
using Monfri.Infrastructure.Persistence;
using Npgsql;

namespace Monfri.Infrastructure.Privacy;

/// <summary>
/// Runs one privacy request at a time. Claiming works like the import runner's: candidates are taken with
/// <c>FOR UPDATE SKIP LOCKED</c>, then a session advisory lock on the request is held for as long as it runs,
/// so a request left Running by a crashed process is claimed again at once. Each kind of request does its work
/// and completes the request in one transaction, so running one again after a crash is harmless.
/// </summary>
internal sealed class PrivacyRunner(
    IDbContextFactory<MonfriDbContext> factory,
    NpgsqlDataSource dataSource,
    PrivacyExporter exporter,
    PrivacyEraser eraser,
    PrivacySuppressor suppressor,
    ILiveFeed live,
    TimeProvider clock,
    ILogger<PrivacyRunner> logger)
{
    // The advisory lock key space of privacy requests ("prv"); the second key is the request id's hash.
    private const int LockSpace = 0x707276;

    /// <summary>Claims and runs the oldest request that is queued or has lost its worker; false when there is none.</summary>
    public async Task<bool> RunNextAsync(CancellationToken cancellationToken)
    {
        await using var session = await dataSource.OpenConnectionAsync(cancellationToken);
        var requestId = await ClaimAsync(session, cancellationToken);
        if (requestId is null)
        {
            return false;
        }

        try
        {
            await RunAsync(requestId.Value, cancellationToken);
        }
        finally
        {
            if (session.State == ConnectionState.Open)
            {
                await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(@space, hashtext(@id::text))", session)
                {
                    Parameters = { new("space", LockSpace), new("id", requestId.Value) },
                };
                await unlock.ExecuteScalarAsync(CancellationToken.None);
            }
        }

        return true;
    }

    private async Task<Guid?> ClaimAsync(NpgsqlConnection session, CancellationToken cancellationToken)
    {
        await using var transaction = await session.BeginTransactionAsync(cancellationToken);
        var candidates = new List<Guid>();
        await using (var select = new NpgsqlCommand(
            "SELECT id FROM privacy_requests WHERE status IN ('Queued', 'Running') ORDER BY requested_at LIMIT 20 FOR UPDATE SKIP LOCKED", session, transaction))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                candidates.Add(reader.GetGuid(0));
            }
        }

        foreach (var id in candidates)
        {
            await using var tryLock = new NpgsqlCommand("SELECT pg_try_advisory_lock(@space, hashtext(@id::text))", session, transaction)
            {
                Parameters = { new("space", LockSpace), new("id", id) },
            };
            if (await tryLock.ExecuteScalarAsync(cancellationToken) is not true)
            {
                continue; // a live worker holds it
            }

            await using var start = new NpgsqlCommand("UPDATE privacy_requests SET status = 'Running', started_at = coalesce(started_at, @now) WHERE id = @id", session, transaction)
            {
                Parameters = { new("now", clock.GetUtcNow()), new("id", id) },
            };
            await start.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return id;
        }

        await transaction.CommitAsync(cancellationToken);
        return null;
    }

    private async Task RunAsync(Guid requestId, CancellationToken cancellationToken)
    {
        PrivacyRequest request;
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            request = await db.PrivacyRequests.AsNoTracking().FirstAsync(r => r.Id == requestId, cancellationToken);
        }

        await PublishAsync(requestId);
        try
        {
            if (request.IdentityValue is null)
            {
                // A deletion of the same person ran first and took the identifier with it: nothing is held any more.
                await FinishAsync(requestId, r => r.CompleteWithNoData(new Dictionary<string, long>(), clock.GetUtcNow()), CancellationToken.None);
            }
            else
            {
                await (request.Kind switch
                {
                    PrivacyRequestKind.Export => exporter.RunAsync(requestId, cancellationToken),
                    PrivacyRequestKind.Delete => eraser.RunAsync(requestId, cancellationToken),
                    _ => suppressor.RunAsync(requestId, cancellationToken),
                });
            }
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: the request stays Running without a lock and is run again after the restart.
            logger.LogInformation("Privacy request {RequestId} interrupted; it runs again on the next start", requestId);
            throw;
        }
        catch (Exception ex)
        {
            // Left Running it would be claimed again at once and fail the same way for ever.
            logger.LogError(ex, "Privacy request {RequestId} ({Kind}) failed", requestId, request.Kind);
            await FinishAsync(requestId, r => r.Fail($"The request stopped because of an error on the server ({ex.GetType().Name}); nothing was changed. Queue it again, or look at the server log.", clock.GetUtcNow()),
                CancellationToken.None);
        }

        logger.LogInformation("Privacy request {RequestId} ({Kind}) finished", requestId, request.Kind);
        await PublishAsync(requestId);
    }

    private async Task FinishAsync(Guid requestId, Action<PrivacyRequest> finish, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var tracked = await db.PrivacyRequests.FirstAsync(r => r.Id == requestId, cancellationToken);
        finish(tracked);
        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task PublishAsync(Guid requestId)
    {
        try
        {
            await using var db = await factory.CreateDbContextAsync();
            var dto = await db.PrivacyRequests.AsNoTracking().Where(r => r.Id == requestId).Select(PrivacyRequestDto.Project(db)).FirstAsync();
            await live.PublishAsync(LiveTopics.Privacy, PrivacyLive.Changed, dto);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // The request's state is committed; a screen that missed this update catches up when it reloads.
            logger.LogWarning(ex, "Could not publish the status of privacy request {RequestId}", requestId);
        }
    }
}
