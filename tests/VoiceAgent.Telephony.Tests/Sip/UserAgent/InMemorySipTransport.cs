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
    private readonly Channel<(SipMessage Message, IPEndPoint Destination)> _sent = Channel.CreateUnbounded<(SipMessage, IPEndPoint)>();

    public IPEndPoint LocalEndPoint { get; } = new(IPAddress.Loopback, 5060);

    public string Protocol => "UDP";

    public ChannelReader<SipInbound> Incoming => _incoming.Reader;

    public void Inject(string wireText)
    {
        var bytes = Encoding.UTF8.GetBytes(wireText);
        if (SipMessageParser.TryParse(bytes, out var message, out var error))
        {
            if (message is SipRequest request)
            {
                ViaReceivedStamp.Apply(request, Peer);
            }

            _incoming.Writer.TryWrite(new SipInbound(message, null, Peer));
        }
        else
        {
            _incoming.Writer.TryWrite(new SipInbound(null, error, Peer));
        }
    }

    public ValueTask SendAsync(SipMessage message, IPEndPoint destination, CancellationToken cancellationToken)
    {
        // Round-trip through the wire format, as a real peer would see it.
        Assert.True(SipMessageParser.TryParse(SipMessageSerializer.Serialize(message), out var reparsed, out var error), error?.Detail);
        _sent.Writer.TryWrite((reparsed!, destination));
        return ValueTask.CompletedTask;
    }

    /// <summary>The next message the UA sent that satisfies <paramref name="match"/> (others are skipped).</summary>
    public async Task<T> NextSentAsync<T>(Func<T, bool>? match = null, int timeoutMs = 5000)
        where T : SipMessage
    {
        using var timeout = new CancellationTokenSource(timeoutMs);
        while (true)
        {
            var (message, _) = await _sent.Reader.ReadAsync(timeout.Token);
            if (message is T typed && (match is null || match(typed)))
            {
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
