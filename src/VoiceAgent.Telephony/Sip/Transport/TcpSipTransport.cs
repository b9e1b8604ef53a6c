using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using VoiceAgent.Telephony.Sip.Messages;
using VoiceAgent.Telephony.Sip.Parsing;

namespace VoiceAgent.Telephony.Sip.Transport;

/// <summary>Limits of the TCP transport.</summary>
/// <param name="MaxConnections">Open connections at most (both directions); more are refused at accept.</param>
/// <param name="IdleTimeout">A connection with no traffic this long is closed (either side reopens when it needs one).</param>
/// <param name="ConnectTimeout">How long opening a connection to a peer may take before the send counts as failed.</param>
public sealed record TcpTransportOptions(int MaxConnections = 1024, TimeSpan? IdleTimeout = null, TimeSpan? ConnectTimeout = null)
{
    public TimeSpan Idle => IdleTimeout ?? TimeSpan.FromMinutes(5);

    public TimeSpan Connect => ConnectTimeout ?? TimeSpan.FromSeconds(5);
}

/// <summary>
/// SIP over TCP (RFC 3261 §18): a listener on the SIP port and a table of open connections keyed by
/// the peer's address. A message to an address goes on the connection already open to it (ours or
/// the peer's, so responses travel back on the connection their request came on, §18.2.2), else
/// on a new one. Connections idle for <see cref="TcpTransportOptions.Idle"/> are closed.
/// </summary>
public sealed class TcpSipTransport : ISipTransport
{
    private readonly Socket _listener;
    private readonly TcpTransportOptions _options;
    private readonly int _maxMessageSize;
    private readonly ILogger _logger;
    private readonly Channel<SipInbound> _incoming = Channel.CreateBounded<SipInbound>(new BoundedChannelOptions(1024) { SingleReader = true });
    private readonly ConcurrentDictionary<IPEndPoint, SipTcpConnection> _connections = new();
    private readonly ConcurrentDictionary<IPEndPoint, Task<SipTcpConnection?>> _connecting = new();
    private readonly ConcurrentDictionary<SipTcpConnection, Task> _readers = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _acceptLoop;
    private readonly Task _idleSweep;

    private TcpSipTransport(Socket listener, TcpTransportOptions options, int maxMessageSize, ILogger logger)
    {
        _listener = listener;
        _options = options;
        _maxMessageSize = maxMessageSize;
        _logger = logger;
        LocalEndPoint = (IPEndPoint)listener.LocalEndPoint!;
        _acceptLoop = Task.Run(AcceptLoopAsync);
        _idleSweep = Task.Run(SweepIdleAsync);
    }

    public IPEndPoint LocalEndPoint { get; }

    public ChannelReader<SipInbound> Incoming => _incoming.Reader;

    /// <summary>Connections open now.</summary>
    public int ConnectionCount => _connections.Count;

    public bool Carries(SipTransportKind kind) => kind == SipTransportKind.Tcp;

    /// <summary>Listens on <paramref name="endPoint"/>. A port in use throws <see cref="SipTransportException"/> naming it.</summary>
    public static TcpSipTransport Listen(IPEndPoint endPoint, ILogger logger, TcpTransportOptions? options = null, int maxMessageSize = SipMessageParser.DefaultMaxMessageSize)
    {
        var listener = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(endPoint);
            listener.Listen(512);
        }
        catch (SocketException ex)
        {
            listener.Dispose();
            var why = ex.SocketErrorCode == SocketError.AddressAlreadyInUse ? "already in use" : ex.Message;
            throw new SipTransportException($"SIP TCP port {endPoint} is {why}", ex);
        }

        return new TcpSipTransport(listener, options ?? new TcpTransportOptions(), maxMessageSize, logger);
    }

    public async ValueTask<bool> SendAsync(SipMessage message, IPEndPoint destination, SipTransportKind transport, CancellationToken cancellationToken)
    {
        if (transport != SipTransportKind.Tcp)
        {
            throw new ArgumentOutOfRangeException(nameof(transport), transport, "This transport carries TCP only.");
        }

        var connection = _connections.TryGetValue(destination, out var open) ? open : await ConnectAsync(destination).ConfigureAwait(false);
        if (connection is null)
        {
            return false;
        }

        if (await connection.SendAsync(SipMessageSerializer.Serialize(message), cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        TelephonyLog.SendFailed(_logger, destination.ToString(), "the TCP connection is closed");
        return false;
    }

    /// <summary>Opens one connection per destination even when several messages want it at once.</summary>
    private Task<SipTcpConnection?> ConnectAsync(IPEndPoint destination)
    {
        var pending = _connecting.GetOrAdd(destination, d => OpenAsync(d));
        _ = pending.ContinueWith(_ => _connecting.TryRemove(new KeyValuePair<IPEndPoint, Task<SipTcpConnection?>>(destination, pending)), TaskScheduler.Default);
        return pending;
    }

    private async Task<SipTcpConnection?> OpenAsync(IPEndPoint destination)
    {
        if (_connections.Count >= _options.MaxConnections)
        {
            TelephonyLog.TooManyConnections(_logger, _connections.Count, destination.ToString());
            return null;
        }

        var socket = new Socket(destination.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            timeout.CancelAfter(_options.Connect);
            await socket.ConnectAsync(destination, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            socket.Dispose();
            TelephonyLog.SendFailed(_logger, destination.ToString(), ex is SocketException s ? $"TCP connect: {s.SocketErrorCode}" : "TCP connect timed out");
            return null;
        }

        TelephonyLog.ConnectionOpened(_logger, "to", destination.ToString());
        return Adopt(new SipTcpConnection(socket, _logger));
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                break;
            }
            catch (SocketException)
            {
                continue; // the peer reset before we accepted
            }

            if (_connections.Count >= _options.MaxConnections)
            {
                TelephonyLog.TooManyConnections(_logger, _connections.Count, socket.RemoteEndPoint?.ToString() ?? "?");
                socket.Dispose();
                continue;
            }

            var connection = new SipTcpConnection(socket, _logger);
            TelephonyLog.ConnectionOpened(_logger, "from", connection.Remote.ToString());
            Adopt(connection);
        }
    }

    /// <summary>Files the connection under its peer's address and starts reading it; forgets it when reading ends.</summary>
    private SipTcpConnection Adopt(SipTcpConnection connection)
    {
        _connections[connection.Remote] = connection;
        _readers[connection] = Task.Run(async () =>
        {
            await connection.ReadAsync(_incoming.Writer, _maxMessageSize).ConfigureAwait(false);
            _connections.TryRemove(new KeyValuePair<IPEndPoint, SipTcpConnection>(connection.Remote, connection));
            await connection.DisposeAsync().ConfigureAwait(false);
            _readers.TryRemove(connection, out _);
        });
        return connection;
    }

    private async Task SweepIdleAsync()
    {
        var period = _options.Idle / 4 < TimeSpan.FromSeconds(30) ? _options.Idle / 4 : TimeSpan.FromSeconds(30);
        using var timer = new PeriodicTimer(period);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                var idleSince = Environment.TickCount64 - (long)_options.Idle.TotalMilliseconds;
                foreach (var connection in _connections.Values.Where(c => c.LastActivity < idleSince))
                {
                    await connection.DisposeAsync().ConfigureAwait(false); // its reader ends and forgets it
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _acceptLoop.ConfigureAwait(false);
        await _idleSweep.ConfigureAwait(false);
        foreach (var connection in _connections.Values)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        await Task.WhenAll(_readers.Values).ConfigureAwait(false);
        _incoming.Writer.TryComplete();
        _stopping.Dispose();
    }
}
