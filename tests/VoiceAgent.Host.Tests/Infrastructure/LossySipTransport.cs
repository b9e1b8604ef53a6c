using System.Net;
using System.Threading.Channels;
using VoiceAgent.Telephony.Sip.Messages;
using VoiceAgent.Telephony.Sip.Transport;

namespace VoiceAgent.Host.Tests.Infrastructure;

/// <summary>
/// A real UDP transport that loses a share of the datagrams it sends and receives (fixed seed), so
/// the transaction layers on both ends must retransmit for calls to set up and tear down.
/// </summary>
internal sealed class LossySipTransport : ISipTransport
{
    private readonly UdpSipTransport _inner;
    private readonly Channel<SipInbound> _incoming = Channel.CreateUnbounded<SipInbound>();
    private readonly Random _random;
    private readonly double _loss;
    private readonly Task _pump;
    private int _dropped;

    public LossySipTransport(UdpSipTransport inner, double loss, int seed)
    {
        _inner = inner;
        _loss = loss;
        _random = new Random(seed);
        _pump = Task.Run(PumpAsync);
    }

    public int Dropped => Volatile.Read(ref _dropped);

    public IPEndPoint LocalEndPoint => _inner.LocalEndPoint;

    public bool Carries(SipTransportKind kind) => _inner.Carries(kind);

    public ChannelReader<SipInbound> Incoming => _incoming.Reader;

    public ValueTask<bool> SendAsync(SipMessage message, IPEndPoint destination, SipTransportKind transport, CancellationToken cancellationToken)
        => Lose() ? ValueTask.FromResult(true) : _inner.SendAsync(message, destination, transport, cancellationToken);

    private bool Lose()
    {
        lock (_random)
        {
            if (_random.NextDouble() >= _loss)
            {
                return false;
            }
        }

        Interlocked.Increment(ref _dropped);
        return true;
    }

    private async Task PumpAsync()
    {
        await foreach (var inbound in _inner.Incoming.ReadAllAsync())
        {
            if (!Lose())
            {
                _incoming.Writer.TryWrite(inbound);
            }
        }

        _incoming.Writer.TryComplete();
    }

    public async ValueTask DisposeAsync()
    {
        await _inner.DisposeAsync();
        await _pump;
    }
}
