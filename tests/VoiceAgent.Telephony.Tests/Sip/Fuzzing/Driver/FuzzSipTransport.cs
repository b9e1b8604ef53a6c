using System.Net;
using System.Threading.Channels;
using VoiceAgent.Telephony.Sip.Messages;
using VoiceAgent.Telephony.Sip.Parsing;
using VoiceAgent.Telephony.Sip.Transport;

namespace VoiceAgent.Telephony.Tests.Sip.Fuzzing;

/// <summary>
/// The user agent's transport for fuzzing: the fuzzer writes what a network would deliver, and
/// everything the agent sends is serialized (as the wire would) and dropped, so nothing leaves the process.
/// </summary>
internal sealed class FuzzSipTransport : ISipTransport
{
    // Capacity 256, Wait, single reader (the agent): the fuzzer waits for the agent, so the queue is no memory sink.
    private readonly Channel<SipInbound> _incoming = Channel.CreateBounded<SipInbound>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true, SingleWriter = true });
    private long _sent;

    public IPEndPoint LocalEndPoint { get; } = new(IPAddress.Loopback, 5060);

    public FuzzSipTransport() => Incoming = new RecordingReader(_incoming.Reader);

    public ChannelReader<SipInbound> Incoming { get; }

    /// <summary>The message the agent read last: the one it is processing (it handles one at a time), for a failure's report.</summary>
    public SipInbound? Current => ((RecordingReader)Incoming).Current;

    public ChannelWriter<SipInbound> Writer => _incoming.Writer;

    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>The status of the last response sent (0 before any).</summary>
    public int LastStatus { get; private set; }

    public bool Carries(SipTransportKind kind) => true;

    public ValueTask<bool> SendAsync(SipMessage message, IPEndPoint destination, SipTransportKind transport, CancellationToken cancellationToken)
    {
        _ = SipMessageSerializer.Serialize(message);
        if (message is SipResponse response)
        {
            LastStatus = response.StatusCode;
        }

        Interlocked.Increment(ref _sent);
        return ValueTask.FromResult(true);
    }

    public ValueTask DisposeAsync()
    {
        _incoming.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }

    private sealed class RecordingReader(ChannelReader<SipInbound> inner) : ChannelReader<SipInbound>
    {
        public SipInbound? Current { get; private set; }

        public override bool TryRead(out SipInbound item)
        {
            if (inner.TryRead(out item!))
            {
                Current = item;
                return true;
            }

            return false;
        }

        public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default) => inner.WaitToReadAsync(cancellationToken);
    }
}
