using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Monfri.Application.Cdp.Collection;
using Monfri.Application.Cdp.Common;
using Monfri.Application.Common.Security;
using Monfri.Application.Privacy;
using Monfri.Domain.Cdp;
using Monfri.Domain.Common;
using Monfri.Domain.Privacy;
using Monfri.Infrastructure.Ingestion;
using Monfri.Infrastructure.Persistence;
using Npgsql;

namespace Monfri.Infrastructure.Demo;

/// <summary>What the history load did, for the log, the benchmarks and tests.</summary>
/// <param name="Events">Events appended to the intake.</param>
/// <param name="Requests">Intake requests they made.</param>
/// <param name="Appended">Time to generate and append them.</param>
/// <param name="Processed">Time until the workers had processed all of them (from the start of the append).</param>
public sealed record DemoHistoryReport(int Events, int Requests, TimeSpan Appended, TimeSpan Processed);

/// <summary>
/// Sends the demo's 90-day history through the intake — the same parse and durable append as a collection request
/// (<see cref="EventBatchParser"/>, <see cref="IIngestIntake"/>) — after a demo start, in the background so the app
/// serves pages meanwhile; the ingest workers then resolve identities and compute traits as for any event. Once
/// they are done, one contact is suppressed (a privacy request like an Admin's), so the demo shows that too: the
/// live traffic's later events for that person are dropped.
/// </summary>
public sealed class DemoHistoryLoader(
    IIngestIntake intake,
    EventPartitions partitions,
    NpgsqlDataSource dataSource,
    IDbContextFactory<MonfriDbContext> dbFactory,
    IPrivacyRequestStore privacy,
    IIdentityService identity,
    IOptions<DemoOptions> options,
    TimeProvider clock,
    ILogger<DemoHistoryLoader> logger) : BackgroundService
{
    private readonly TaskCompletionSource<Pending?> _pending = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<DemoHistoryReport?> _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The history's outcome once processed; null when this start sent none (no demo seeded, or history off).</summary>
    public Task<DemoHistoryReport?> Completion => _completed.Task;

    /// <summary>Called by the seeder after the demo's CRM data committed; the append starts when the host runs.</summary>
    internal void Schedule(IReadOnlyList<DemoPerson> people, Guid websiteId, Guid backendId, DateTimeOffset now) =>
        _pending.TrySetResult(new Pending(people, websiteId, backendId, now));

    /// <summary>No history this start (the seeder found the workspace already filled).</summary>
    internal void Skip() => _pending.TrySetResult(null);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var pending = await _pending.Task.WaitAsync(stoppingToken);
            _completed.TrySetResult(pending is null ? null : await LoadAsync(pending, stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            _completed.TrySetCanceled(stoppingToken);
        }
        catch (Exception ex)
        {
            // The CRM demo is in place; without its history the CDP screens are emptier, but Monfri works.
            logger.LogError(ex, "Could not load the demo's event history");
            _completed.TrySetException(ex);
        }
    }

    private async Task<DemoHistoryReport?> LoadAsync(Pending pending, CancellationToken cancellationToken)
    {
        if (options.Value.History.Visitors <= 0)
        {
            return null;
        }

        var watch = Stopwatch.StartNew();
        // The history's months up front: the first claims then create none (maintenance makes only the months around now).
        var months = Enumerable.Range(0, (int)DemoHistory.Window.TotalDays + 1).Select(d => EventPartitions.MonthOf(pending.Now - TimeSpan.FromDays(d)));
        await partitions.EnsureAsync(months, cancellationToken);
        var (events, requests) = (0, 0);
        foreach (var request in DemoHistory.Generate(pending.People, options.Value.History.Visitors, pending.Now))
        {
            // Like a client, the history waits when the intake is full rather than pushing past the limit.
            while (intake.IsOverloaded)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
            }

            var receivedAt = clock.GetUtcNow();
            var (batch, failure) = EventBatchParser.Parse(request.Body, null, receivedAt);
            if (failure is not null || batch!.Rejected.Count > 0)
            {
                throw new InvalidOperationException($"The demo history produced a request the collection API refuses: {failure?.Message ?? batch!.Rejected[0].Reason}");
            }

            await intake.AppendAsync(request.Server ? pending.BackendId : pending.WebsiteId, receivedAt, batch.AcceptedJson, batch.AcceptedCount, cancellationToken);
            events += batch.AcceptedCount;
            requests++;
        }

        var appended = watch.Elapsed;
        await WaitUntilProcessedAsync(cancellationToken);
        var processed = watch.Elapsed;
        logger.LogInformation(
            "Demo history: {Events} events in {Requests} requests appended in {Appended:0.0} s and processed by the workers in {Processed:0.0} s ({Uptime:0.0} s after the process started)",
            events, requests, appended.TotalSeconds, processed.TotalSeconds, (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalSeconds);
        await SuppressOneAsync(pending.People, pending.Now, cancellationToken);
        return new DemoHistoryReport(events, requests, appended, processed);
    }

    /// <summary>Until no request appended so far is left in the intake (live traffic appended later does not count).</summary>
    private async Task WaitUntilProcessedAsync(CancellationToken cancellationToken)
    {
        long last;
        await using (var command = dataSource.CreateCommand("SELECT coalesce(max(id), 0) FROM cdp_intake"))
        {
            last = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        }

        while (true)
        {
            await using var command = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM cdp_intake WHERE id <= $1 AND failed_at IS NULL)");
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = last });
            if (!(bool)(await command.ExecuteScalarAsync(cancellationToken))!)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }

    /// <summary>
    /// The person who objected: a contact with history, suppressed through a privacy request queued for them, as an
    /// Admin would from Admin → Privacy requests (it names the workspace's first admin as the requester).
    /// </summary>
    private async Task SuppressOneAsync(IReadOnlyList<DemoPerson> people, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var person = SuppressedPerson(people, now);
        var admin = (await identity.ListUsersAsync(cancellationToken)).FirstOrDefault(u => u.Roles.Contains(Roles.Admin) && u.IsActive);
        if (person is null || admin is null)
        {
            return;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.PrivacyRequests.AnyAsync(r => r.Kind == PrivacyRequestKind.Suppress, cancellationToken))
        {
            return;
        }

        await privacy.QueueAsync(PrivacyRequest.Queue(PrivacyRequestKind.Suppress, IdentityTypes.Email, person.Email, admin.Id, clock.GetUtcNow()), cancellationToken);
    }

    /// <summary>The demo's suppressed person: a fixed contact (the fourth who signed up before the 90 days), so every demo has the same one.</summary>
    internal static DemoPerson? SuppressedPerson(IReadOnlyList<DemoPerson> people, DateTimeOffset now) =>
        people.Where(p => DemoHistory.SignedUpAt(p) < now - DemoHistory.Window).Skip(3).FirstOrDefault();

    private sealed record Pending(IReadOnlyList<DemoPerson> People, Guid WebsiteId, Guid BackendId, DateTimeOffset Now);
}
