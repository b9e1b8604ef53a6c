using System.Net;

namespace VoiceAgent.Telephony.Media;

/// <summary>Takes the datagrams of one socket from the <see cref="RtpReceiver"/>, on its thread, without blocking.</summary>
internal interface IRtpDatagramSink
{
    /// <param name="datagram">Valid only during the call: the receiver reuses its buffer.</param>
    /// <param name="source">Where it came from; reused as well.</param>
    void OnDatagram(ReadOnlySpan<byte> datagram, SocketAddress source);

    /// <summary>
    /// <see cref="OnDatagram"/> threw (already counted in <see cref="RtpReceiver.Failures"/>); the
    /// sink may log it, once: it would fail again on every packet.
    /// </summary>
    void OnDatagramFailed(Exception exception)
    {
    }
}
