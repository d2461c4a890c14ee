using System.Net;
using System.Net.Sockets;

namespace Monfri.Compat.Tests;

/// <summary>
/// A TCP relay between a client and Monfri that can stop passing Monfri's answers on. Requests still reach
/// Monfri and are handled, but the client never hears back — what a client sees of a server that dies after
/// it stored a request and before its answer left the machine. When Monfri goes away, so do the client's
/// connections, and the client retries.
/// </summary>
public sealed class AnswerLosingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly int _upstreamPort;
    private volatile bool _losingAnswers;

    public AnswerLosingProxy(int upstreamPort)
    {
        _upstreamPort = upstreamPort;
        _listener.Start();
        _ = AcceptAsync();
    }

    public string BaseUrl => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>From now on Monfri's answers are dropped (true) or passed on again (false).</summary>
    public void LoseAnswers(bool lose) => _losingAnswers = lose;

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using (client)
        using (var upstream = new TcpClient())
        {
            try
            {
                // Monfri down: the client's connection is closed at once, as a refused connection would be.
                await upstream.ConnectAsync(IPAddress.Loopback, _upstreamPort, _stop.Token);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                client.Client.LingerState = new LingerOption(true, 0);
                return;
            }

            var toMonfri = PumpAsync(client.GetStream(), upstream.GetStream(), () => true);
            var toClient = PumpAsync(upstream.GetStream(), client.GetStream(), () => !_losingAnswers);
            await Task.WhenAny(toMonfri, toClient);
            // Either side gone: reset the other, so a client waiting for an answer notices and retries.
            client.Client.LingerState = new LingerOption(true, 0);
            upstream.Client.LingerState = new LingerOption(true, 0);
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, Func<bool> pass)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
            {
                if (pass())
                {
                    await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or SocketException)
        {
        }
    }

    public ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
        return ValueTask.CompletedTask;
    }
}
