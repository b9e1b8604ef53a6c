using System.Net;
using System.Net.Sockets;
using System.Text;

namespace VoiceAgent.Host.Tests.Infrastructure;

/// <summary>
/// A minimal HTTP/1.1 server on a loopback address (any of 127.0.0.0/8) that answers every request
/// with one fixed response and counts connections and requests: a webhook target, a redirect, a witness.
/// </summary>
internal sealed class RawHttpResponder : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Func<string> _response;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _connections;
    private int _requests;

    public RawHttpResponder(IPAddress address, Func<string> response)
    {
        _response = response;
        _listener = new TcpListener(address, 0);
        _listener.Start();
        _loop = AcceptAsync();
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

    public string Url(string path = "/hook") => $"http://{EndPoint}{path}";

    public int Connections => Volatile.Read(ref _connections);

    public int Requests => Volatile.Read(ref _requests);

    public static string Reply(int status, string reason, string body = "", string extraHeaders = "")
        => $"HTTP/1.1 {status} {reason}\r\n{extraHeaders}Content-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}";

    public async Task WaitForRequestsAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Requests < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{Requests} of {count} requests arrived at {EndPoint}.");
            }

            await Task.Delay(50);
        }
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                Interlocked.Increment(ref _connections);
                _ = ServeAsync(client);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                timeout.CancelAfter(TimeSpan.FromSeconds(10));
                var stream = client.GetStream();
                var received = new StringBuilder();
                var buffer = new byte[8192];
                while (!received.ToString().Contains("\r\n\r\n", StringComparison.Ordinal) || !BodyComplete(received.ToString()))
                {
                    var read = await stream.ReadAsync(buffer, timeout.Token);
                    if (read == 0)
                    {
                        return;
                    }

                    received.Append(Encoding.UTF8.GetString(buffer, 0, read));
                }

                Interlocked.Increment(ref _requests);
                await stream.WriteAsync(Encoding.UTF8.GetBytes(_response()), timeout.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException)
            {
            }
        }
    }

    private static bool BodyComplete(string request)
    {
        var end = request.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var header = request[..end].Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        var length = header is null ? 0 : int.Parse(header["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        return Encoding.UTF8.GetByteCount(request[(end + 4)..]) >= length;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }
}
