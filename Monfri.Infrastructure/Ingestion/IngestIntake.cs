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
/// (whatever the server default), so the 200 a client gets means the events survive a crash. Depth is sampled
/// in the background; past the limit the API sheds load with 429 instead of queueing without bound.
/// </summary>
public sealed class IngestIntake : BackgroundService, IIngestIntake
{
    private readonly NpgsqlDataSource _durable;
    private readonly IngestOptions _options;
    private readonly ILogger<IngestIntake> _logger;
    private long _queuedEvents;

    public IngestIntake(IConfiguration configuration, IOptions<IngestOptions> options, ILogger<IngestIntake> logger)
    {
        _options = options.Value;
        _logger = logger;
        var builder = new NpgsqlConnectionStringBuilder(configuration.GetConnectionString("Monfri")) { Options = "-c synchronous_commit=on" };
        _durable = new NpgsqlDataSourceBuilder(builder.ConnectionString).Build();
    }

    /// <summary>Signalled after each append so this node's workers start at once instead of at their next poll.</summary>
    public IngestSignal Signal { get; } = new();

    public long QueuedEvents => Interlocked.Read(ref _queuedEvents);

    public bool IsOverloaded => QueuedEvents > _options.MaxQueuedEvents;

    public async Task AppendAsync(Guid sourceId, DateTimeOffset receivedAt, byte[] eventsJson, int count, CancellationToken cancellationToken)
    {
        await using var command = _durable.CreateCommand(
            "INSERT INTO cdp_intake (source_id, received_at, event_count, payload) VALUES ($1, $2, $3, $4)");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = sourceId });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = receivedAt });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = count });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = eventsJson, NpgsqlDbType = NpgsqlDbType.Bytea });
        await command.ExecuteNonQueryAsync(cancellationToken);
        Interlocked.Add(ref _queuedEvents, count);
        Signal.Set();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var command = _durable.CreateCommand("SELECT coalesce(sum(event_count), 0)::bigint FROM cdp_intake WHERE failed_at IS NULL");
                Interlocked.Exchange(ref _queuedEvents, (long)(await command.ExecuteScalarAsync(stoppingToken))!);
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
