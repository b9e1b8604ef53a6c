using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using VoiceAgent.Host.Configuration;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Telephony.Codecs;
using VoiceAgent.Telephony.Media;
using VoiceAgent.Telephony.Rtp;
using VoiceAgent.Telephony.Sdp;

namespace VoiceAgent.Host.Calls;

/// <summary>
/// Builds a call's <see cref="CallMedia"/> the same way for inbound and outbound calls: the RTP
/// port, the SDP offer or answer, the codec's encoder and decoder, the stream on the injected
/// receiver. Everything a call's media needs from the host comes through here.
/// </summary>
internal sealed class CallMediaFactory(
    VoiceAgentSettings settings,
    SdpNegotiator negotiator,
    RtpPortAllocator ports,
    MediaClock clock,
    SpeechPipeline pipeline,
    RtpReception reception,
    TimeProvider time,
    ILogger<CallMedia> logger)
{
    /// <summary>An RTP port for a new call.</summary>
    /// <exception cref="InvalidOperationException">Every port in Rtp:PortMin..PortMax is in use.</exception>
    public Socket AllocatePort() => ports.Allocate();

    /// <summary>Returns a port whose call never opened media.</summary>
    public void ReleasePort(Socket socket)
    {
        ports.Release(((IPEndPoint)socket.LocalEndPoint!).Port);
        socket.Dispose();
    }

    /// <summary>The o= line's session id for a new call (RFC 4566 §5.2).</summary>
    public static long NewSessionId() => RandomNumberGenerator.GetInt32(1, int.MaxValue);

    public SdpNegotiationResult Negotiate(SessionDescription offer) => negotiator.Negotiate(offer);

    /// <summary>What a peer's SDP gives us to use, or null when it does not parse or nothing in it is acceptable.</summary>
    public NegotiatedMedia? Negotiate(string sdp)
        => SessionDescription.TryParse(sdp, out var description, out _) ? negotiator.Negotiate(description!).Media : null;

    /// <summary>Our SDP offer (outbound) for the configured codecs on <paramref name="socket"/>'s port.</summary>
    public string Offer(Socket socket, long sessionId)
        => SdpOfferBuilder.Build(settings.Media.Codecs, settings.Sip.PublicAddress, ((IPEndPoint)socket.LocalEndPoint!).Port, sessionId);

    /// <summary>The media of a call on <paramref name="socket"/> (which it now owns): not yet receiving nor sending.</summary>
    public CallMedia Open(Socket socket, NegotiatedMedia media, long sessionId, CallRecord record)
    {
        var encoder = AudioCodecs.CreateEncoder(media.Codec, media.RemoteFormat, settings.Media.Opus);
        var format = new RtpStreamFormat(encoder, media.PayloadType, media.TelephoneEventPayloadType, media.TelephoneEventClockRate, AudioCodecs.CreateDecoder(media.Codec));
        var stream = new RtpStream(socket, format, media.RemoteRtp, ports.Release, settings.Rtp.StrictSource) { Logger = logger };
        record.AttachMedia(() => stream.Statistics);
        return new CallMedia(stream, media, sessionId, record, new CallMediaServices(settings, negotiator, clock, pipeline, reception.Receiver, time, logger));
    }
}
