using System.Globalization;
using System.Text;
using VoiceAgent.Telephony.Codecs;

namespace VoiceAgent.Telephony.Sdp;

/// <summary>
/// Writes our SDP offer for an outgoing call (RFC 3264 §5): one audio stream with the configured
/// codecs in our preference order (static payload types where RFC 3551 has them, 111 for Opus),
/// telephone-event 101 at 8000 Hz (RFC 4733), ptime 20, sendrecv.
/// </summary>
public static class SdpOfferBuilder
{
    private const int OpusPayloadType = 111;
    private const int TelephoneEventPayloadType = 101;

    public static string Build(IReadOnlyList<AudioCodecDescriptor> codecs, string publicAddress, int rtpPort, long sessionId)
    {
        var ipVersion = publicAddress.Contains(':', StringComparison.Ordinal) ? "IP6" : "IP4";
        var types = codecs.Select(c => (Codec: c, PayloadType: c.StaticPayloadType ?? OpusPayloadType)).ToList();
        var sb = new StringBuilder(320);
        sb.Append("v=0\r\n");
        sb.Append(CultureInfo.InvariantCulture, $"o=VoiceAgent {sessionId} {sessionId} IN {ipVersion} {publicAddress}\r\n");
        sb.Append("s=VoiceAgent\r\n");
        sb.Append(CultureInfo.InvariantCulture, $"c=IN {ipVersion} {publicAddress}\r\n");
        sb.Append("t=0 0\r\n");
        sb.Append(CultureInfo.InvariantCulture, $"m=audio {rtpPort} RTP/AVP {string.Join(' ', types.Select(t => t.PayloadType))} {TelephoneEventPayloadType}\r\n");
        foreach (var (codec, payloadType) in types)
        {
            var channels = codec.Channels > 1 ? $"/{codec.Channels}" : string.Empty;
            sb.Append(CultureInfo.InvariantCulture, $"a=rtpmap:{payloadType} {codec.Name}/{codec.ClockRate}{channels}\r\n");
            if (codec == AudioCodecs.Opus)
            {
                sb.Append(CultureInfo.InvariantCulture, $"a=fmtp:{payloadType} stereo=0;sprop-stereo=0;useinbandfec=1\r\n");
            }
        }

        sb.Append(CultureInfo.InvariantCulture, $"a=rtpmap:{TelephoneEventPayloadType} telephone-event/8000\r\n");
        sb.Append(CultureInfo.InvariantCulture, $"a=fmtp:{TelephoneEventPayloadType} 0-16\r\n");
        sb.Append("a=ptime:20\r\na=sendrecv\r\n");
        return sb.ToString();
    }
}
