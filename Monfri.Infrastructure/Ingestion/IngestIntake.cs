using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Monfri.Application.Cdp.Common;
using Npgsql;
using NpgsqlTypes;

namespace Monfri.Infrastructure.Ingestion;

/// <summary>
/// The durable intake: one row per accepted request, inserted on a connection with <c>synchronous_commit=on</c>
/// (whatever the server default), so the 200 a client gets means the events survive a crash. A request reserves
/// room for all its events before it is written, so concurrent requests cannot push the queue past
/// <see cref="IngestOptions.MaxQueuedEvents"/>; one that finds no room is refused whole (429). The count lives in
/// memory (no query per request) and is reconciled with the table in the background (decision 010).
/// </summary>
public sealed class IngestIntake : BackgroundService, IIngestIntake
{
    private readonly NpgsqlDataSource _durable;
    private readonly IngestOptions _options;
    private readonly ILogger<IngestIntake> _logger;
    private readonly Lock _gate = new();

    // Guarded by _gate. Events in the table as last sampled, plus those this process committed since.
    private long _stored;

    // Guarded by _gate. Events of requests that reserved room and are being written now.
    private long _reserved;

    // Guarded by _gate. Every event this process ever committed: what a sample may not have seen yet.
    private long _committedTotal;

    public IngestIntake(IConfiguration configuration, IOptions<IngestOptions> options, ILogger<IngestIntake> logger)
    {
        _options = options.Value;
        _logger = logger;
        var builder = new NpgsqlConnectionStringBuilder(configuration.GetConnectionString("Monfri")) { Options = "-c synchronous_commit=on" };
        _durable = new NpgsqlDataSourceBuilder(builder.ConnectionString).Build();
    }

    /// <summary>Signalled after each append so this node's workers start at once instead of at their next poll.</summary>
    public IngestSignal Signal { get; } = new();

    /// <summary>Accepted events not yet processed, as this process knows it: stored (last sample and since) and being written.</summary>
    public long QueuedEvents
    {
        get
        {
            lock (_gate)
            {
                return _stored + _reserved;
            }
        }
    }

    public bool IsOverloaded => QueuedEvents >= _options.MaxQueuedEvents;

    public async Task<bool> AppendAsync(Guid sourceId, DateTimeOffset receivedAt, byte[] eventsJson, int count, CancellationToken cancellationToken)
    {
        if (!TryReserve(count))
        {
            return false;
        }

        var committed = false;
        try
        {
            await using var command = _durable.CreateCommand(
                "INSERT INTO cdp_intake (source_id, received_at, event_count, payload) VALUES ($1, $2, $3, $4)");
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = sourceId });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = receivedAt });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = count });
            command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = eventsJson, NpgsqlDbType = NpgsqlDbType.Bytea });
            await command.ExecuteNonQueryAsync(cancellationToken);
            committed = true;
        }
        finally
        {
            // A failed insert gives its room back. (One whose commit reached the server but whose answer was lost
            // is counted again at the next sample.)
            lock (_gate)
            {
                _reserved -= count;
                if (committed)
                {
                    _stored += count;
                    _committedTotal += count;
                }
            }
        }

        Signal.Set();
        return true;
    }

    /// <summary>Takes room for <paramref name="count"/> events, or none when they would not all fit: check and take are one step.</summary>
    private bool TryReserve(int count)
    {
        lock (_gate)
        {
            if (_stored + _reserved + count > _options.MaxQueuedEvents)
            {
                return false;
            }

            _reserved += count;
            return true;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Reconciles with the table: workers (on any node) drained it, other nodes appended to it. A commit of
                // ours after the sample's snapshot is in committedSince; one just before it may be counted twice until
                // the next sample, which errs on refusing, never on overshooting.
                long committedBefore;
                lock (_gate)
                {
                    committedBefore = _committedTotal;
                }

                await using var command = _durable.CreateCommand("SELECT coalesce(sum(event_count), 0)::bigint FROM cdp_intake WHERE failed_at IS NULL");
                var sampled = (long)(await command.ExecuteScalarAsync(stoppingToken))!;
                lock (_gate)
                {
                    _stored = sampled + (_committedTotal - committedBefore);
                }
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                _logger.LogDebug(ex, "Could not sample the intake depth");
            }
            catch (OperationCanceledException)
            {
                break;
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    public override void Dispose()
    {
        _durable.Dispose();
        base.Dispose();
    }
}

/// <summary>A wake-up call for workers: many Sets between two Waits count once.</summary>
public sealed class IngestSignal
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);

    public void Set()
    {
        try
        {
            if (_semaphore.CurrentCount == 0)
            {
                _semaphore.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Another Set won the race; one wake-up is enough.
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _semaphore.WaitAsync(timeout, cancellationToken);
}
