using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Monfri.Application.Common.Jobs;
using Monfri.Application.Common.Results;
using Monfri.Application.Jobs.ListJobs;
using Monfri.Domain.Common;
using Monfri.Infrastructure.Persistence;
using Monfri.Infrastructure.Scheduling;
using Monfri.TestSupport;
using Npgsql;

namespace Monfri.Application.Tests.Jobs;

/// <summary>
/// The job scheduler against real PostgreSQL, driven by hand on a test clock: this node's own workers are off, and
/// each test claims with one or more <see cref="JobRunner"/>s as separate nodes would.
/// </summary>
public sealed class JobSchedulerTests : IAsyncLifetime
{
    private const string Probe = "test.probe";
    private const string Tick = "test.tick";

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));
    private MonfriServices _app = null!;

    public async Task InitializeAsync() =>
        _app = await MonfriServices.StartAsync(nameof(JobSchedulerTests),
            new Dictionary<string, string?> { ["Monfri:Jobs:RunWorkers"] = "false", ["Monfri:Jobs:Backoff"] = "00:00:10", ["Monfri:Jobs:Lease"] = "00:00:30" },
            configureServices: services =>
            {
                services.AddSingleton<TimeProvider>(_clock);
                services.AddJob<ProbeHandler>(Probe, maxAttempts: 3);
                services.AddJob<ProbeHandler>(Tick, every: _ => TimeSpan.FromMinutes(1));
            });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private ProbeHandler Handler => _app.Get<ProbeHandler>();

    /// <summary>A runner as another Monfri node would have: its own name, the same database.</summary>
    private JobRunner Node(string name) => new(
        _app.Get<IEnumerable<JobKind>>(), _app.Provider, _app.Get<NpgsqlDataSource>(), _clock,
        Options.Create(new JobOptions { Node = name, Backoff = TimeSpan.FromSeconds(10), Lease = TimeSpan.FromSeconds(30) }),
        _app.Get<ILogger<JobRunner>>());

    private RecurringJobs Scheduler() => new(_app.Get<IEnumerable<JobKind>>(), _app.Get<NpgsqlDataSource>(), _clock, _app.Get<ILogger<RecurringJobs>>());

    private async Task<Job> EnqueueAsync(ProbePayload payload, DateTimeOffset? runAt = null)
    {
        await using var db = await _app.Get<IDbContextFactory<MonfriDbContext>>().CreateDbContextAsync();
        var job = Job.Create(Probe, payload, _clock.GetUtcNow(), runAt);
        db.Jobs.Add(job);
        await db.SaveChangesAsync();
        return job;
    }

    private async Task<Job> ReadAsync(Guid id)
    {
        await using var db = await _app.Get<IDbContextFactory<MonfriDbContext>>().CreateDbContextAsync();
        return await db.Jobs.AsNoTracking().SingleAsync(j => j.Id == id);
    }

    [Fact]
    public async Task Two_workers_never_run_the_same_job()
    {
        var jobs = new List<Guid>();
        for (var i = 0; i < 40; i++)
        {
            jobs.Add((await EnqueueAsync(new ProbePayload(DelayMs: 5))).Id);
        }

        var a = Node("node-a");
        var b = Node("node-b");
        // Two lanes on each node, all claiming at once until nothing is left.
        await Task.WhenAll(new[] { a, a, b, b }.Select((runner, lane) => Task.Run(async () =>
        {
            while (await runner.RunNextAsync([Probe], $"lane{lane}", CancellationToken.None))
            {
            }
        })));

        Assert.All(jobs, id => Assert.Equal(1, Handler.Runs.GetValueOrDefault(id)));
        foreach (var id in jobs)
        {
            var job = await ReadAsync(id);
            Assert.Equal((JobState.Succeeded, 1, null, null), (job.State, job.Attempts, job.LockedBy, job.LockedUntil));
        }
    }

    [Fact]
    public async Task A_failing_job_is_retried_with_growing_waits_and_then_given_up()
    {
        var runner = Node("node-a");
        var id = (await EnqueueAsync(new ProbePayload(Fail: true))).Id;

        Assert.True(await runner.RunNextAsync([Probe], "1", CancellationToken.None));
        var first = await ReadAsync(id);
        Assert.Equal((JobState.Failed, 1, _clock.GetUtcNow().AddSeconds(10)), (first.State, first.Attempts, first.RunAt));
        Assert.Equal("InvalidOperationException: probe failed on attempt 1", first.LastError);

        _clock.Advance(TimeSpan.FromSeconds(9));
        Assert.False(await runner.RunNextAsync([Probe], "1", CancellationToken.None)); // not before its retry time
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await runner.RunNextAsync([Probe], "1", CancellationToken.None));
        var second = await ReadAsync(id);
        Assert.Equal((JobState.Failed, 2, _clock.GetUtcNow().AddSeconds(20)), (second.State, second.Attempts, second.RunAt));

        _clock.Advance(TimeSpan.FromSeconds(20));
        Assert.True(await runner.RunNextAsync([Probe], "1", CancellationToken.None));
        var dead = await ReadAsync(id);
        Assert.Equal((JobState.Dead, 3, _clock.GetUtcNow()), (dead.State, dead.Attempts, dead.FinishedAt));
        Assert.Equal("InvalidOperationException: probe failed on attempt 3", dead.LastError);

        _clock.Advance(TimeSpan.FromDays(1));
        Assert.False(await runner.RunNextAsync([Probe], "1", CancellationToken.None));
        Assert.Equal(3, Handler.Runs[id]);
    }

    [Fact]
    public async Task A_job_scheduled_for_later_waits_for_its_time()
    {
        var runner = Node("node-a");
        var id = (await EnqueueAsync(new ProbePayload(), runAt: _clock.GetUtcNow().AddHours(1))).Id;

        Assert.False(await runner.RunNextAsync([Probe], "1", CancellationToken.None));
        _clock.Advance(TimeSpan.FromMinutes(59));
        Assert.False(await runner.RunNextAsync([Probe], "1", CancellationToken.None));
        Assert.False(Handler.Runs.ContainsKey(id));

        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True(await runner.RunNextAsync([Probe], "1", CancellationToken.None));
        Assert.Equal(JobState.Succeeded, (await ReadAsync(id)).State);
    }

    [Fact]
    public async Task A_job_whose_node_died_is_claimed_again_once_its_lease_runs_out()
    {
        var id = (await EnqueueAsync(new ProbePayload())).Id;
        // What a node leaves behind when it dies mid-run: the job Running, its lease no longer renewed.
        await using (var db = await _app.Get<IDbContextFactory<MonfriDbContext>>().CreateDbContextAsync())
        {
            await db.Database.ExecuteSqlAsync(
                $"UPDATE jobs SET state = 'Running', attempts = 1, locked_by = 'dead-node/1', locked_until = {_clock.GetUtcNow().AddSeconds(30)} WHERE id = {id}");
        }

        var runner = Node("node-b");
        Assert.False(await runner.RunNextAsync([Probe], "1", CancellationToken.None)); // the lease still holds
        _clock.Advance(TimeSpan.FromSeconds(31));
        Assert.True(await runner.RunNextAsync([Probe], "1", CancellationToken.None));

        var job = await ReadAsync(id);
        Assert.Equal((JobState.Succeeded, 2, 1), (job.State, job.Attempts, Handler.Runs[id]));
    }

    [Fact]
    public async Task A_job_interrupted_by_its_nodes_shutdown_goes_back_to_the_queue_without_counting_the_attempt()
    {
        var id = (await EnqueueAsync(new ProbePayload(DelayMs: 60_000))).Id;
        using var stopping = new CancellationTokenSource();
        var run = Node("node-a").RunNextAsync([Probe], "1", stopping.Token);
        while (!Handler.Runs.ContainsKey(id))
        {
            await Task.Delay(10);
        }

        await stopping.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);

        var released = await ReadAsync(id);
        Assert.Equal((JobState.Queued, 0, null, null), (released.State, released.Attempts, released.LockedBy, released.LockedUntil));
    }

    [Fact]
    public async Task A_recurring_job_is_enqueued_once_per_slot_however_many_schedulers_run()
    {
        var one = Scheduler();
        var two = Scheduler();
        _clock.Advance(TimeSpan.FromSeconds(10)); // inside the 09:00 slot

        await Task.WhenAll(one.EnqueueDueAsync(CancellationToken.None), two.EnqueueDueAsync(CancellationToken.None));
        Assert.Equal(1, await TicksAsync());
        Assert.Equal(0, await one.EnqueueDueAsync(CancellationToken.None) + await two.EnqueueDueAsync(CancellationToken.None));
        Assert.Equal(1, await TicksAsync());

        _clock.Advance(TimeSpan.FromMinutes(1));
        await Task.WhenAll(one.EnqueueDueAsync(CancellationToken.None), two.EnqueueDueAsync(CancellationToken.None), Scheduler().EnqueueDueAsync(CancellationToken.None));

        await using var db = await _app.Get<IDbContextFactory<MonfriDbContext>>().CreateDbContextAsync();
        var ticks = await db.Jobs.AsNoTracking().Where(j => j.Kind == Tick).OrderBy(j => j.RunAt).ToListAsync();
        Assert.Equal(
            [(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero), "test.tick@2026-12-07T09:00:00.000Z"), (new DateTimeOffset(2026, 12, 7, 9, 1, 0, TimeSpan.Zero), "test.tick@2026-12-07T09:01:00.000Z")],
            ticks.Select(t => (t.RunAt, t.UniqueKey)));
    }

    private async Task<int> TicksAsync()
    {
        await using var db = await _app.Get<IDbContextFactory<MonfriDbContext>>().CreateDbContextAsync();
        return await db.Jobs.CountAsync(j => j.Kind == Tick);
    }

    [Fact]
    public async Task A_job_enqueued_in_a_transaction_that_rolls_back_leaves_nothing()
    {
        await using (var db = await _app.Get<IDbContextFactory<MonfriDbContext>>().CreateDbContextAsync())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            db.Jobs.Add(Job.Create(Probe, new ProbePayload(), _clock.GetUtcNow()));
            await db.SaveChangesAsync();
            await transaction.RollbackAsync();
        }

        await using (var db = await _app.Get<IDbContextFactory<MonfriDbContext>>().CreateDbContextAsync())
        {
            Assert.Equal(0, await db.Jobs.CountAsync(j => j.Kind == Probe));
        }

        Assert.False(await Node("node-a").RunNextAsync([Probe], "1", CancellationToken.None));
    }

    [Fact]
    public async Task A_job_committed_on_any_connection_wakes_a_running_node_at_once()
    {
        // A second node with its workers on and a poll so long that only the commit's NOTIFY can start the job in time.
        var node = await MonfriServices.StartAsync(connectionString: _app.ConnectionString, seed: false,
            settings: new Dictionary<string, string?> { ["Monfri:Jobs:PollInterval"] = "01:00:00", ["Monfri:Traits:RunWorkers"] = "false" },
            configureServices: services => services.AddJob<ProbeHandler>(Probe));
        await using (node)
        {
            var probe = node.Get<ProbeHandler>();
            await Task.Delay(500); // its lanes have looked once and are waiting
            var id = (await EnqueueAsync(new ProbePayload())).Id;

            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (!probe.Runs.ContainsKey(id))
            {
                Assert.True(DateTime.UtcNow < deadline, "The enqueued job did not start within 10 s.");
                await Task.Delay(20);
            }
        }
    }

    [Fact]
    public async Task Admins_see_recent_and_failed_jobs_and_nobody_else_does()
    {
        var failed = (await EnqueueAsync(new ProbePayload(Fail: true))).Id;
        var waiting = (await EnqueueAsync(new ProbePayload(), runAt: _clock.GetUtcNow().AddHours(1))).Id;
        await Node("node-a").RunNextAsync([Probe], "1", CancellationToken.None);
        var admin = await _app.AdminAsync();

        var all = await _app.SendAs(admin, new ListJobsQuery());
        Assert.True(all.IsSuccess, all.ErrorMessage);
        Assert.Contains(all.Value.Items, j => j.Id == waiting && j.State == JobState.Queued);
        var failures = await _app.SendAs(admin, new ListJobsQuery(JobState.Failed));
        var row = Assert.Single(failures.Value.Items);
        Assert.Equal((failed, 1, "InvalidOperationException: probe failed on attempt 1"), (row.Id, row.Attempts, row.LastError));

        var (_, manager) = await _app.CreateUserAsync("Mona", Roles.Manager);
        ResultAssert.Status(ResultStatus.Forbidden, await _app.SendAs(manager, new ListJobsQuery()));
        ResultAssert.Status(ResultStatus.Invalid, await _app.SendAs(admin, new ListJobsQuery(PageSize: 1000)));
    }

    public sealed record ProbePayload(bool Fail = false, int DelayMs = 0);

    /// <summary>Counts its runs per job; fails when the payload says so.</summary>
    public sealed class ProbeHandler : IJobHandler
    {
        public ConcurrentDictionary<Guid, int> Runs { get; } = new();

        public async Task RunAsync(JobRun job, CancellationToken cancellationToken)
        {
            var payload = job.PayloadAs<ProbePayload>();
            Runs.AddOrUpdate(job.Id, 1, (_, n) => n + 1);
            if (payload.DelayMs > 0)
            {
                await Task.Delay(payload.DelayMs, cancellationToken);
            }

            if (payload.Fail)
            {
                throw new InvalidOperationException($"probe failed on attempt {job.Attempt}");
            }
        }
    }
}
