using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;

namespace VoiceAgent.Telephony.Media;

/// <summary>What <see cref="RtpSourceFilter.Admit"/> decided about one packet.</summary>
internal enum RtpSourceVerdict
{
    /// <summary>From the source the stream is latched to: use it.</summary>
    Accepted,

    /// <summary>From a source the stream has just latched to (the SDP address, or a new source past probation): use it and send there.</summary>
    Latched,

    /// <summary>From a new source still on probation: dropped.</summary>
    Learning,

    /// <summary>From a source other than the latched one: dropped.</summary>
    Rejected,
}

/// <summary>
/// Strict RTP source learning, the defence against "RTP Bleed" (CVE-2017-14099): which source a
/// stream accepts packets from. Symmetric RTP (RFC 4961) sends to where the peer's packets come
/// from, so the first packet must not decide. The rule, as Asterisk's <c>strictrtp</c> with
/// <c>probation</c>:
/// <list type="bullet">
/// <item>a packet from the address the SDP signalled (ip and port) is accepted at once and the stream
/// latches to it, also after latching elsewhere (the signalled address came through the dialog);</item>
/// <item>until the stream has latched, a new source (a phone behind NAT sends from its public
/// mapping, not its SDP address) is accepted only after <see cref="Probation"/> packets in sequence
/// from it (same SSRC, consecutive sequence numbers); the packets of the probation are dropped;</item>
/// <item>once latched, every other source is dropped, until a re-INVITE signals a new address.</item>
/// </list>
/// Runs on the stream's receive thread only; <see cref="Signal"/> may come from any thread and takes
/// effect at the next packet. Allocates only when it latches.
/// </summary>
internal sealed class RtpSourceFilter
{
    /// <summary>In-sequence packets a new source must send before it is learned (Asterisk's default <c>probation</c>).</summary>
    public const int Probation = 4;

    private static readonly Counter<long> RejectedCounter = TelephonyMetrics.Meter.CreateCounter<long>(
        "voiceagent.rtp.rejected", "{packet}", "RTP packets dropped by strict source learning (reason: source = not the latched peer, learning = a new source on probation)");

    private static readonly Counter<long> LearnedCounter = TelephonyMetrics.Meter.CreateCounter<long>(
        "voiceagent.rtp.sources_learned", "{stream}", "Streams that latched to a source other than their SDP address after probation (a peer behind NAT)");

    private static readonly KeyValuePair<string, object?> ReasonSource = new("reason", "source");
    private static readonly KeyValuePair<string, object?> ReasonLearning = new("reason", "learning");

    private readonly bool _strict;
    private readonly SocketAddress _candidate;
    private SocketAddress _signalled;
    private SocketAddress? _pendingSignal;
    private SocketAddress? _latched;
    private bool _hasCandidate;
    private uint _candidateSsrc;
    private ushort _candidateNextSequence;
    private int _candidateCount;
    private long _rejected;

    /// <param name="signalled">The peer's media address from its SDP.</param>
    /// <param name="strict">False: the old behaviour, latch to the first packet and accept every source (Rtp:StrictSource=false).</param>
    public RtpSourceFilter(IPEndPoint signalled, bool strict)
    {
        _strict = strict;
        _signalled = signalled.Serialize();
        // Room for either family: the source of a packet need not be of the SDP address's family.
        _candidate = new SocketAddress(AddressFamily.InterNetworkV6);
    }

    /// <summary>The source the stream latched to last (a copy: send there), null before the first.</summary>
    public SocketAddress? Latched => _latched;

    /// <summary>A new signalled address (a re-INVITE): learning starts again at the next packet.</summary>
    public void Signal(IPEndPoint signalled) => Volatile.Write(ref _pendingSignal, signalled.Serialize());

    /// <summary>Packets dropped so far (rejected or on probation): the call record's <c>packetsRejected</c>.</summary>
    public long RejectedPackets => Interlocked.Read(ref _rejected);

    /// <summary>Decides about one packet and counts what it drops and what it learns.</summary>
    public RtpSourceVerdict Admit(SocketAddress source, uint ssrc, ushort sequence)
    {
        var verdict = Decide(source, ssrc, sequence);
        switch (verdict)
        {
            case RtpSourceVerdict.Rejected:
                Interlocked.Increment(ref _rejected);
                RejectedCounter.Add(1, ReasonSource);
                break;
            case RtpSourceVerdict.Learning:
                Interlocked.Increment(ref _rejected);
                RejectedCounter.Add(1, ReasonLearning);
                break;
            case RtpSourceVerdict.Latched when !Same(_signalled, source):
                LearnedCounter.Add(1);
                break;
        }

        return verdict;
    }

    private RtpSourceVerdict Decide(SocketAddress source, uint ssrc, ushort sequence)
    {
        if (Volatile.Read(ref _pendingSignal) is not null && Interlocked.Exchange(ref _pendingSignal, null) is { } signalled)
        {
            _signalled = signalled;
            _latched = null;
            _hasCandidate = false;
        }

        if (_latched is { } latched && Same(latched, source))
        {
            return RtpSourceVerdict.Accepted;
        }

        if (!_strict)
        {
            if (_latched is not null)
            {
                return RtpSourceVerdict.Accepted;
            }

            Latch(source);
            return RtpSourceVerdict.Latched;
        }

        if (Same(_signalled, source))
        {
            Latch(source);
            return RtpSourceVerdict.Latched;
        }

        if (_latched is not null)
        {
            return RtpSourceVerdict.Rejected;
        }

        // RFC 3550 A.1's probation, keyed on the source address as well as the SSRC.
        if (_hasCandidate && Same(_candidate, source) && ssrc == _candidateSsrc && sequence == _candidateNextSequence)
        {
            _candidateNextSequence++;
            if (++_candidateCount >= Probation)
            {
                _hasCandidate = false;
                Latch(source);
                return RtpSourceVerdict.Latched;
            }

            return RtpSourceVerdict.Learning;
        }

        if (source.Size <= _candidate.Buffer.Length)
        {
            _candidate.Size = source.Size;
            source.Buffer.Span[..source.Size].CopyTo(_candidate.Buffer.Span);
            _hasCandidate = true;
            _candidateSsrc = ssrc;
            _candidateNextSequence = (ushort)(sequence + 1);
            _candidateCount = 1;
        }

        return RtpSourceVerdict.Learning;
    }

    /// <summary>Byte-wise, family and port included (allocates nothing; a reused buffer's size is what counts).</summary>
    private static bool Same(SocketAddress a, SocketAddress b)
        => a.Size == b.Size && a.Buffer.Span[..a.Size].SequenceEqual(b.Buffer.Span[..b.Size]);

    private void Latch(SocketAddress source)
    {
        var copy = new SocketAddress(source.Family, source.Size);
        source.Buffer.Span[..source.Size].CopyTo(copy.Buffer.Span);
        _latched = copy;
    }
}
