using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Monfri.Application.Common.Jobs;
using Monfri.Application.Common.Live;
using Monfri.Application.Privacy;
using Monfri.Domain.Privacy;
using Monfri.Infrastructure.Persistence;
using Monfri.Infrastructure.Scheduling;
using Npgsql;

namespace Monfri.Infrastructure.Privacy;

/// <summary>
/// Runs one privacy request (jobs of kind <see cref="Kind"/>, claimed by the job scheduler; one at a time per node,
/// as they are rare and one erasure must not compete with another for the same rows). Each kind of request does its
/// work and completes the request in one transaction, so running one again after a crash is harmless.
/// </summary>
internal sealed class PrivacyRequestHandler(
    IDbContextFactory<MonfriDbContext> factory,
    PrivacyExporter exporter,
    PrivacyEraser eraser,
    PrivacySuppressor suppressor,
    ILiveFeed live,
    TimeProvider clock,
    ILogger<PrivacyRequestHandler> logger) : IJobHandler
{
    /// <summary>The job kind; its payload is a <see cref="PrivacyJobPayload"/>.</summary>
    public const string Kind = "privacy.request";

    /// <summary>The job that runs a request: enqueued in the transaction that saves the request.</summary>
    public static Job NewJob(Guid requestId, DateTimeOffset now) => Job.Create(Kind, new PrivacyJobPayload(requestId), now);

    public async Task RunAsync(JobRun job, CancellationToken cancellationToken)
    {
        var requestId = job.PayloadAs<PrivacyJobPayload>().RequestId;
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            var request = await db.PrivacyRequests.FirstOrDefaultAsync(r => r.Id == requestId, cancellationToken);
            if (request is null || request.IsFinished)
            {
                return; // finished by an earlier run whose own job was then interrupted
            }

            request.Start(clock.GetUtcNow());
            await db.SaveChangesAsync(cancellationToken);
        }

        await RunAsync(requestId, cancellationToken);
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
            // Shutting down: the request stays Running and the scheduler puts its job back in the queue.
            logger.LogInformation("Privacy request {RequestId} interrupted; it runs again on the next start", requestId);
            throw;
        }
        catch (Exception ex)
        {
            // Run again it would most likely fail the same way: the request ends here, with the reason.
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

/// <summary>The argument of a privacy job: the <c>privacy_requests</c> row to run.</summary>
internal sealed record PrivacyJobPayload(Guid RequestId);
