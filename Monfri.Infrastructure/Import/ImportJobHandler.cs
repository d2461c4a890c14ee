using System.Data;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Monfri.Application.Common.Jobs;
using Monfri.Application.Common.Live;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Imports;
using Monfri.Domain.Crm;
using Monfri.Infrastructure.Persistence;
using Monfri.Infrastructure.Scheduling;
using Npgsql;

namespace Monfri.Infrastructure.Import;

/// <summary>
/// Runs one import (jobs of kind <see cref="Kind"/>, claimed by the job scheduler): streams its file from the
/// database row by row, and writes it in batches of <see cref="ImportOptions.BatchSize"/> rows, one short transaction
/// each, so other users' work is never blocked for long. The scheduler runs <see cref="ImportOptions.Workers"/>
/// imports at once per node, on any number of nodes; a node that dies mid-import loses its lease and another node
/// resumes the import.
/// <para>
/// Resuming never duplicates rows: each batch commits its records, its issues and the job's counters, including
/// the last row done (<see cref="ImportJob.ProcessedRows"/>), in one transaction, and a resumed run skips the
/// rows up to it. The counter update is fenced on the value the batch started from, so even two workers that
/// somehow ran the same job could not both commit the same rows.
/// </para>
/// <para>
/// Audit: new records are inserted with COPY, which the audit interceptor never sees, so each batch writes one
/// <see cref="AuditAction.Imported"/> entry per created record ("Imported from file.csv", by the uploader) in
/// the same COPY round trips; every record's history then says where it came from. Updates of existing records
/// go through EF Core on purpose, so the interceptor keeps recording old → new per field: an import that
/// overwrites a phone number stays traceable like an edit in the form.
/// </para>
/// </summary>
internal sealed class ImportJobHandler(
    IDbContextFactory<MonfriDbContext> factory,
    NpgsqlDataSource dataSource,
    IIdentityService identity,
    ILiveFeed live,
    TimeProvider clock,
    IOptions<ImportOptions> options,
    ILogger<ImportJobHandler> logger) : IJobHandler
{
    /// <summary>The job kind; its payload is an <see cref="ImportJobPayload"/>.</summary>
    public const string Kind = "import";

    private const int Attempts = 3;

    /// <summary>The job that runs an import: enqueued in the transaction that saves the upload.</summary>
    public static Job NewJob(Guid importJobId, DateTimeOffset now) => Job.Create(Kind, new ImportJobPayload(importJobId), now);

    public async Task RunAsync(JobRun job, CancellationToken cancellationToken)
    {
        var jobId = job.PayloadAs<ImportJobPayload>().ImportJobId;
        await using var session = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var start = new NpgsqlCommand(
            "UPDATE import_jobs SET status = 'Running', started_at = coalesce(started_at, @now) WHERE id = @id AND status IN ('Queued', 'Running')", session))
        {
            start.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", clock.GetUtcNow()));
            start.Parameters.Add(new NpgsqlParameter<Guid>("id", jobId));
            if (await start.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return; // finished by an earlier run whose own job was then interrupted, or deleted with its user
            }
        }

        await RunAsync(session, jobId, cancellationToken);
    }

    private async Task RunAsync(NpgsqlConnection session, Guid jobId, CancellationToken cancellationToken)
    {
        ImportJob job;
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            job = await db.ImportJobs.AsNoTracking().FirstAsync(j => j.Id == jobId, cancellationToken);
        }

        var done = new Counters(job.ProcessedRows, job.Created, job.Updated, job.Skipped, job.Failed, job.CompaniesCreated);
        if (done.Processed > 0)
        {
            logger.LogInformation("Resuming import {JobId} after row {Row}", job.Id, done.Processed);
        }

        try
        {
            await using var content = new NpgsqlCommand("SELECT content FROM import_jobs WHERE id = @id", session) { Parameters = { new("id", job.Id) } };
            await using var reader = await content.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
            if (!await reader.ReadAsync(cancellationToken) || await reader.IsDBNullAsync(0, cancellationToken))
            {
                await FinishAsync(job, done, "The uploaded file of this import is missing.", cancellationToken);
                return;
            }

            await using var file = reader.GetStream(0);
            await using var csv = await ImportCsv.OpenAsync(file, new CsvFormat(job.Encoding, job.Delimiter), cancellationToken);
            var roles = (await identity.FindUserAsync(job.CreatedById, cancellationToken))?.Roles ?? [];
            ImportSession importSession;
            await using (var db = await factory.CreateDbContextAsync(cancellationToken))
            {
                importSession = await ImportSession.LoadAsync(db, job, csv.Header, roles, cancellationToken);
            }

            var batch = new List<CsvRecord>(options.Value.BatchSize);
            var analyzeAt = done.Processed + options.Value.BatchSize;
            while (await csv.ReadAsync(cancellationToken) is { } record)
            {
                if (record.Row <= done.Processed)
                {
                    continue; // committed before an interruption
                }

                batch.Add(record);
                if (batch.Count == options.Value.BatchSize)
                {
                    done = await CommitBatchAsync(importSession, batch, done, cancellationToken);
                    batch.Clear();
                    if (done.Processed >= analyzeAt)
                    {
                        await AnalyzeAsync(job.ObjectType, cancellationToken);
                        analyzeAt = done.Processed * 2;
                    }
                }
            }

            if (batch.Count > 0)
            {
                done = await CommitBatchAsync(importSession, batch, done, cancellationToken);
            }

            await FinishAsync(job, done, null, cancellationToken);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down (whatever the driver made of the cancellation): the import stays Running, the scheduler
            // puts its job back in the queue, and the next worker, here after a restart or on another node, resumes it.
            logger.LogInformation("Import {JobId} interrupted after row {Row}; it resumes on the next start", job.Id, done.Processed);
            throw;
        }
        catch (ImportTakenOverException)
        {
            logger.LogWarning("Import {JobId} was continued by another worker; this one stops", job.Id);
        }
        catch (CsvFormatException ex)
        {
            await FinishAsync(job, done, $"Row {done.Processed + 1} and those after it could not be read: {ex.Message}", CancellationToken.None);
        }
        catch (Exception ex)
        {
            // Whatever went wrong, the import ends here: run again it would most likely fail the same way. The error
            // is logged with its stack for the operator.
            logger.LogError(ex, "Import {JobId} failed after row {Row}", job.Id, done.Processed);
            await FinishAsync(job, done, $"The import stopped after row {done.Processed} because of an error on the server ({ex.GetType().Name}). The rows before it were imported; import the rest again in \"skip duplicates\" mode.", CancellationToken.None);
        }
    }

    private async Task<Counters> CommitBatchAsync(ImportSession session, List<CsvRecord> batch, Counters done, CancellationToken cancellationToken)
    {
        var job = session.Job;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var db = await factory.CreateDbContextAsync(cancellationToken);
                db.ActorId = job.CreatedById;
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                // A batch lost to a crash before its WAL reached disk is rolled back whole, progress counter
                // included, and the resumed job imports it again: no need to wait for the flush on each commit.
                await db.Database.ExecuteSqlRawAsync("SET LOCAL synchronous_commit = off", cancellationToken);
                var plan = await ImportBatch.PlanAsync(db, session, batch, clock.GetUtcNow(), cancellationToken);
                var connection = (NpgsqlConnection)db.Database.GetDbConnection();
                // Companies first: new contacts may point at them.
                await BulkCopy.WriteAsync(connection, db.Model, plan.NewCompanies, cancellationToken);
                await BulkCopy.WriteAsync(connection, db.Model, plan.NewPeople, cancellationToken);
                // Deals after the companies and people they link to; each brings its contacts and first stage-history entry.
                await BulkCopy.WriteAsync(connection, db.Model, plan.NewDeals, cancellationToken);
                await BulkCopy.WriteAsync(connection, db.Model, plan.NewDeals.SelectMany(d => d.Contacts).ToList(), cancellationToken);
                await BulkCopy.WriteAsync(connection, db.Model, plan.NewDeals.SelectMany(d => d.StageHistory).ToList(), cancellationToken);
                await BulkCopy.WriteAsync(connection, db.Model, plan.Audit, cancellationToken);
                await BulkCopy.WriteAsync(connection, db.Model, plan.Issues, cancellationToken);
                await db.SaveChangesAsync(cancellationToken);

                var next = new Counters(batch[^1].Row, done.Created + plan.Created, done.Updated + plan.Updated, done.Skipped + plan.Skipped,
                    done.Failed + plan.Failed, done.CompaniesCreated + plan.CompaniesCreated);
                var fenced = await db.ImportJobs
                    .Where(j => j.Id == job.Id && j.ProcessedRows == done.Processed && j.Status == ImportStatus.Running)
                    .ExecuteUpdateAsync(set => set
                        .SetProperty(j => j.ProcessedRows, next.Processed)
                        .SetProperty(j => j.Created, next.Created)
                        .SetProperty(j => j.Updated, next.Updated)
                        .SetProperty(j => j.Skipped, next.Skipped)
                        .SetProperty(j => j.Failed, next.Failed)
                        .SetProperty(j => j.CompaniesCreated, next.CompaniesCreated), cancellationToken);
                if (fenced == 0)
                {
                    throw new ImportTakenOverException();
                }

                await transaction.CommitAsync(cancellationToken);
                await PublishAsync(job, ImportStatus.Running, next);
                return next;
            }
            catch (Exception ex) when (attempt < Attempts && IsRaceWithAnotherWriter(ex))
            {
                // Someone saved one of these records (or a record with one of these emails) meanwhile: judge the batch again.
                logger.LogInformation("Import {JobId}: batch ending at row {Row} met a concurrent change; retrying", job.Id, batch[^1].Row);
            }
        }
    }

    /// <summary>
    /// Refreshes the planner's statistics of the table being filled. Autovacuum analyzes too late for an import
    /// into a small table: the planner still believes it holds a few rows and scans it whole for each batch's
    /// email or domain lookup, which makes an import slower with every batch. Done when the rows imported
    /// double (1,000, 2,000, 4,000 …), so a few times per job.
    /// </summary>
    private async Task AnalyzeAsync(CrmObjectType objectType, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(objectType switch
        {
            CrmObjectType.Company => "ANALYZE companies",
            CrmObjectType.Deal => "ANALYZE deals, companies",
            _ => "ANALYZE people, companies",
        });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static bool IsRaceWithAnotherWriter(Exception ex) =>
        ex is DbUpdateConcurrencyException
        || ex is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation }
        || ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    private async Task FinishAsync(ImportJob job, Counters done, string? error, CancellationToken cancellationToken)
    {
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            var tracked = await db.ImportJobs.FirstAsync(j => j.Id == job.Id, cancellationToken);
            tracked.Finish(clock.GetUtcNow(), error);
            await db.SaveChangesAsync(cancellationToken);
        }

        logger.LogInformation("Import {JobId} finished: {Created} created, {Updated} updated, {Skipped} skipped, {Failed} rejected", job.Id, done.Created, done.Updated, done.Skipped, done.Failed);
        await PublishAsync(job, error is null ? ImportStatus.Completed : ImportStatus.Failed, done);
    }

    private async Task PublishAsync(ImportJob job, ImportStatus status, Counters done)
    {
        try
        {
            await live.PublishAsync(LiveTopics.User(job.CreatedById), ImportProgress.Kind,
                new ImportProgress(job.Id, status, job.TotalRows, done.Processed, done.Created, done.Updated, done.Skipped, done.Failed, done.CompaniesCreated));
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // The rows are committed; a screen that missed this update catches up when it reloads the job.
            logger.LogWarning(ex, "Could not publish the progress of import {JobId}", job.Id);
        }
    }

    private sealed record Counters(int Processed, int Created, int Updated, int Skipped, int Failed, int CompaniesCreated);

    private sealed class ImportTakenOverException : Exception;
}

/// <summary>The argument of an import job: the <c>import_jobs</c> row to run.</summary>
internal sealed record ImportJobPayload(Guid ImportJobId);
