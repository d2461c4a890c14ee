using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Monfri.Application.Common.Live;
using Npgsql;

namespace Monfri.Infrastructure.Live;

/// <summary>
/// Holds one LISTEN connection per node and feeds what arrives into this node's fan-out. Reconnects after
/// a dropped connection; screens reload their state on reconnect, so a gap never leaves them stale.
/// </summary>
public sealed class PostgresLiveListener(
    NpgsqlDataSource dataSource,
    LiveFanout fanout,
    ILogger<PostgresLiveListener> logger) : IHostedService, IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private NpgsqlConnection? _connection;
    private Task? _loop;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Listening before start-up completes: a publish right after start must not be missed.
        _connection = await ListenAsync(cancellationToken);
        _loop = RunAsync(_stopping.Token);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_loop is not null)
        {
            await Task.WhenAny(_loop, Task.Delay(Timeout.Infinite, cancellationToken));
        }
    }

    private async Task<NpgsqlConnection> ListenAsync(CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        connection.Notification += (_, e) => Deliver(e.Payload);
        await using var listen = new NpgsqlCommand($"LISTEN {PostgresLiveFeed.Channel}", connection);
        await listen.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                _connection ??= await ListenAsync(stopping);
                await _connection.WaitAsync(stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Live feed LISTEN connection lost; reconnecting");
                if (_connection is not null)
                {
                    await _connection.DisposeAsync();
                    _connection = null;
                }

                await Task.Delay(TimeSpan.FromSeconds(1), stopping).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private void Deliver(string payload)
    {
        try
        {
            if (JsonSerializer.Deserialize<LiveUpdate>(payload, LiveJson.Options) is { } update)
            {
                fanout.Deliver(update);
            }
        }
        catch (JsonException ex)
        {
            logger.LogWarning(ex, "Ignored a malformed live feed notification");
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stopping.Dispose();
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
    }
}
