using System.Net;
using System.Text;
using System.Threading.Channels;
using VoiceAgent.Telephony.Sip.Messages;
using VoiceAgent.Telephony.Sip.Parsing;
using VoiceAgent.Telephony.Sip.Transport;

namespace VoiceAgent.Telephony.Tests.Sip.UserAgent;

/// <summary>
/// The user agent's transport in memory: tests inject wire text as if it came from a peer, and read
/// what the UA sent. Messages go through the real parser and serializer.
/// </summary>
internal sealed class InMemorySipTransport : ISipTransport
{
    public static readonly IPEndPoint Peer = new(IPAddress.Loopback, 5094);
    private readonly Channel<SipInbound> _incoming = Channel.CreateUnbounded<SipInbound>();
    private readonly Channel<(SipMessage Message, IPEndPoint Destination, SipTransportKind Transport)> _sent = Channel.CreateUnbounded<(SipMessage, IPEndPoint, SipTransportKind)>();

    public IPEndPoint LocalEndPoint { get; } = new(IPAddress.Loopback, 5060);

    /// <summary>Whether the UA may send over TCP too (it then moves large requests there).</summary>
    public bool CarriesTcp { get; init; }

    /// <summary>Destinations that refuse connections: sends to them fail as a refused TCP connect would.</summary>
    public HashSet<IPEndPoint> Unreachable { get; } = [];

    /// <summary>The transport of the last message <see cref="NextSentAsync"/> returned.</summary>
    public SipTransportKind LastTransport { get; private set; }

    /// <summary>Where the last message <see cref="NextSentAsync"/> returned went.</summary>
    public IPEndPoint? LastDestination { get; private set; }

    public bool Carries(SipTransportKind kind) => kind == SipTransportKind.Udp || CarriesTcp;

    public ChannelReader<SipInbound> Incoming => _incoming.Reader;

    /// <summary>Destinations whose sends hang for 3 s and then fail, as to a TCP peer that stopped reading (the message is still recorded).</summary>
    public HashSet<IPEndPoint> Stalled { get; } = [];

    public void Inject(string wireText, IPEndPoint? from = null, SipTransportKind transport = SipTransportKind.Udp)
    {
        var source = from ?? Peer;
        var bytes = Encoding.UTF8.GetBytes(wireText);
        if (SipMessageParser.TryParse(bytes, out var message, out var error))
        {
            if (message is SipRequest request)
            {
                ViaReceivedStamp.Apply(request, source);
            }

            _incoming.Writer.TryWrite(new SipInbound(message, null, source, transport));
        }
        else
        {
            _incoming.Writer.TryWrite(new SipInbound(null, error, source, transport));
        }
    }

    public ValueTask<bool> SendAsync(SipMessage message, IPEndPoint destination, SipTransportKind transport, CancellationToken cancellationToken)
    {
        Assert.True(Carries(transport), $"sent over {transport}, which this transport does not carry");
        if (Unreachable.Contains(destination))
        {
            return ValueTask.FromResult(false);
        }

        // Round-trip through the wire format, as a real peer would see it.
        Assert.True(SipMessageParser.TryParse(SipMessageSerializer.Serialize(message), out var reparsed, out var error), error?.Detail);
        _sent.Writer.TryWrite((reparsed!, destination, transport));
        return Stalled.Contains(destination) ? new ValueTask<bool>(Task.Delay(3000).ContinueWith(_ => false, TaskScheduler.Default)) : ValueTask.FromResult(true);
    }

    /// <summary>The next message the UA sent that satisfies <paramref name="match"/> (others are skipped).</summary>
    /// <summary>Whether the UA sends anything matching <paramref name="match"/> within <paramref name="withinMs"/>.</summary>
    public async Task<bool> SendsAsync<T>(Func<T, bool> match, int withinMs)
        where T : SipMessage
    {
        try
        {
            await NextSentAsync(match, withinMs);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async Task<T> NextSentAsync<T>(Func<T, bool>? match = null, int timeoutMs = 5000)
        where T : SipMessage
    {
        using var timeout = new CancellationTokenSource(timeoutMs);
        while (true)
        {
            var (message, destination, transport) = await _sent.Reader.ReadAsync(timeout.Token);
            if (message is T typed && (match is null || match(typed)))
            {
                LastTransport = transport;
                LastDestination = destination;
                return typed;
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _incoming.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }
}
