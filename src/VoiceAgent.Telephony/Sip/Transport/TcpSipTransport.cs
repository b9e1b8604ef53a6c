using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using VoiceAgent.Telephony.Sip.Messages;
using VoiceAgent.Telephony.Sip.Parsing;

namespace VoiceAgent.Telephony.Sip.Transport;

/// <summary>
/// SIP over TCP (RFC 3261 §18): a listener on the SIP port and a table of open connections keyed by
/// the peer's address. A message to an address goes on the connection already open to it (ours or
/// the peer's, so responses travel back on the connection their request came on, §18.2.2), else
/// on a new one. Sending only enqueues on the connection (<see cref="SipTcpConnection"/>), so no
/// caller ever waits on one peer's socket. Inbound connections are capped in total and per source
/// address, outbound ones have a budget of their own; a sweep closes connections idle for
/// <see cref="TcpTransportOptions.Idle"/> (whole messages only) and partial messages older than
/// <see cref="TcpTransportOptions.Message"/> (slowloris).
/// </summary>
public sealed class TcpSipTransport : ISipTransport
{
    private static readonly Counter<long> Refused = TelephonyMetrics.Meter.CreateCounter<long>(
        "voiceagent.sip.tcp.refused", "{connection}", "TCP connections refused, by reason (host_limit, address_limit, outbound_limit)");

    private readonly Socket _listener;
    private readonly TcpTransportOptions _options;
    private readonly int _maxMessageSize;
    private readonly ILogger _logger;

    // Bounded, WriteAsync: a full channel slows the connections' readers (TCP back-pressure), nothing is dropped; one reader (the transport set's pump).
    private readonly Channel<SipInbound> _incoming = Channel.CreateBounded<SipInbound>(new BoundedChannelOptions(1024) { SingleReader = true });
    private readonly ConcurrentDictionary<IPEndPoint, SipTcpConnection> _connections = new();
    // Every running connection, also one whose table entry a later connection from the same address took over.
    private readonly ConcurrentDictionary<SipTcpConnection, Task> _readers = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly TcpConnectionBudget _budget;
    private readonly Task _acceptLoop;
    private readonly Task _sweep;

    private TcpSipTransport(Socket listener, TcpTransportOptions options, int maxMessageSize, ILogger logger)
    {
        _listener = listener;
        _options = options;
        _maxMessageSize = maxMessageSize;
        _logger = logger;
        _budget = new TcpConnectionBudget(options.MaxConnections, options.MaxConnectionsPerAddress, options.MaxConnections);
        LocalEndPoint = (IPEndPoint)listener.LocalEndPoint!;
        _acceptLoop = Task.Run(AcceptLoopAsync);
        _sweep = Task.Run(SweepAsync);
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

    /// <summary>
    /// Queues <paramref name="message"/> on the connection to <paramref name="destination"/> (opened
    /// when there is none) before returning; the task completes when it was written or failed.
    /// </summary>
    public ValueTask<bool> SendAsync(SipMessage message, IPEndPoint destination, SipTransportKind transport, CancellationToken cancellationToken)
    {
        if (transport != SipTransportKind.Tcp)
        {
            throw new ArgumentOutOfRangeException(nameof(transport), transport, "This transport carries TCP only.");
        }

        if (!_connections.TryGetValue(destination, out var connection))
        {
            if (message is SipResponse)
            {
                // §18.2.2: a response goes back on its request's connection. When that is gone (closed
                // by the peer, or by us as a defence) nothing listens at the peer's ephemeral port:
                // reconnecting there would only let a closed peer make us dial it.
                TelephonyLog.SendDropped(_logger, destination.ToString());
                return ValueTask.FromResult(false);
            }

            connection = Open(destination);
            if (connection is null)
            {
                return ValueTask.FromResult(false);
            }
        }

        var sending = connection.SendAsync(SipMessageSerializer.Serialize(message));
        return sending.IsCompletedSuccessfully && sending.Result ? sending : LogFailureAsync(sending, destination);
    }

    private async ValueTask<bool> LogFailureAsync(ValueTask<bool> sending, IPEndPoint destination)
    {
        if (await sending.ConfigureAwait(false))
        {
            return true;
        }

        TelephonyLog.SendDropped(_logger, destination.ToString()); // the close was logged once, with its reason
        return false;
    }

    /// <summary>A new outbound connection, connecting in the background; its queue takes messages at once. Null when the outbound budget is spent.</summary>
    private SipTcpConnection? Open(IPEndPoint destination)
    {
        if (!_budget.TryOpenOutbound())
        {
            Refused.Add(1, new KeyValuePair<string, object?>("reason", "outbound_limit"));
            TelephonyLog.TooManyConnections(_logger, _options.MaxConnections, destination.ToString());
            return null;
        }

        var connection = new SipTcpConnection(new Socket(destination.AddressFamily, SocketType.Stream, ProtocolType.Tcp), destination, inbound: false, _options, _logger);
        if (!_connections.TryAdd(destination, connection))
        {
            // Another sender opened one first: use it.
            _budget.Release(connection);
            connection.Close("not needed", null);
            return _connections.TryGetValue(destination, out var other) ? other : null;
        }

        Start(connection);
        return connection;
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

            if (socket.RemoteEndPoint is not IPEndPoint remote)
            {
                socket.Dispose();
                continue;
            }

            switch (_budget.TryAdmitInbound(remote.Address))
            {
                case TcpAdmission.HostFull:
                    Refused.Add(1, new KeyValuePair<string, object?>("reason", "host_limit"));
                    TelephonyLog.TooManyConnections(_logger, _budget.Inbound, remote.ToString());
                    socket.Dispose();
                    continue;
                case TcpAdmission.AddressFull:
                    Refused.Add(1, new KeyValuePair<string, object?>("reason", "address_limit"));
                    TelephonyLog.TooManyFromAddress(_logger, _options.MaxConnectionsPerAddress, remote.ToString());
                    socket.Dispose();
                    continue;
            }

            var connection = new SipTcpConnection(socket, remote, inbound: true, _options, _logger);
            TelephonyLog.ConnectionOpened(_logger, "from", remote.ToString());
            _connections[remote] = connection;
            Start(connection);
        }
    }

    /// <summary>Runs the connection; when it ends, forgets it and returns its place in the budget.</summary>
    private void Start(SipTcpConnection connection)
    {
        // Filed before it starts: a run that ends at once (a refused connect) must still find its entry to remove.
        var run = new Task<Task>(async () =>
        {
            await connection.RunAsync(_incoming.Writer, _maxMessageSize).ConfigureAwait(false);
            _connections.TryRemove(new KeyValuePair<IPEndPoint, SipTcpConnection>(connection.Remote, connection));
            _budget.Release(connection);
            _readers.TryRemove(connection, out _);
        });
        _readers[connection] = run.Unwrap();
        run.Start(TaskScheduler.Default);
    }

    /// <summary>Closes connections idle by whole messages, and those whose message is not whole in time (slowloris).</summary>
    private async Task SweepAsync()
    {
        var period = TimeSpan.FromTicks(Math.Clamp(Math.Min(_options.Idle.Ticks, _options.Message.Ticks) / 4, TimeSpan.FromMilliseconds(100).Ticks, TimeSpan.FromSeconds(30).Ticks));
        using var timer = new PeriodicTimer(period);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                var now = Environment.TickCount64;
                foreach (var connection in _readers.Keys)
                {
                    var started = connection.MessageStarted;
                    if (started != 0 && now - started > (long)_options.Message.TotalMilliseconds)
                    {
                        TelephonyLog.MessageTooSlow(_logger, connection.Remote.ToString(), _options.Message.TotalSeconds);
                        connection.Close("message not whole in time", "message_timeout");
                    }
                    else if (now - connection.LastMessage > (long)_options.Idle.TotalMilliseconds)
                    {
                        connection.Close("idle", "idle"); // its run ends and forgets it
                    }
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
        await _sweep.ConfigureAwait(false);
        foreach (var connection in _readers.Keys)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        await Task.WhenAll(_readers.Values).ConfigureAwait(false);
        _incoming.Writer.TryComplete();
        _stopping.Dispose();
    }
}
