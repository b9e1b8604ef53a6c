using System.Globalization;
using System.Text;

namespace VoiceAgent.Telephony.Sdp;

/// <summary>Writes our SDP answer (RFC 3264 §6): one accepted audio stream, the others refused with port 0.</summary>
public static class SdpAnswerBuilder
{
    /// <param name="version">The origin's session version (RFC 4566 §5.2): the id for the first answer, higher for each change.</param>
    public static string Build(SessionDescription offer, NegotiatedMedia media, string publicAddress, int rtpPort, long sessionId, long? version = null)
    {
        var ipVersion = publicAddress.Contains(':', StringComparison.Ordinal) ? "IP6" : "IP4";
        var sb = new StringBuilder(256);
        sb.Append("v=0\r\n");
        sb.Append(CultureInfo.InvariantCulture, $"o=VoiceAgent {sessionId} {version ?? sessionId} IN {ipVersion} {publicAddress}\r\n");
        sb.Append("s=VoiceAgent\r\n");
        sb.Append(CultureInfo.InvariantCulture, $"c=IN {ipVersion} {publicAddress}\r\n");
        sb.Append("t=0 0\r\n");
        for (var i = 0; i < offer.Media.Count; i++)
        {
            var m = offer.Media[i];
            if (i != media.MediaIndex)
            {
                // RFC 3264 §6: a refused stream keeps its m= line with port 0.
                sb.Append(CultureInfo.InvariantCulture, $"m={m.Media} 0 {m.Protocol} {string.Join(' ', m.Formats.Take(1))}\r\n");
                continue;
            }

            var formats = media.TelephoneEventPayloadType is { } te ? $"{media.PayloadType} {te}" : $"{media.PayloadType}";
            sb.Append(CultureInfo.InvariantCulture, $"m=audio {rtpPort} RTP/AVP {formats}\r\n");
            var channels = media.Channels > 1 ? $"/{media.Channels}" : string.Empty;
            sb.Append(CultureInfo.InvariantCulture, $"a=rtpmap:{media.PayloadType} {media.Codec}/{media.ClockRate}{channels}\r\n");
            if (string.Equals(media.Codec, "opus", StringComparison.OrdinalIgnoreCase))
            {
                // RFC 7587 §6.1: we send and want mono voice.
                sb.Append(CultureInfo.InvariantCulture, $"a=fmtp:{media.PayloadType} stereo=0;sprop-stereo=0;useinbandfec=1\r\n");
            }

            if (media.TelephoneEventPayloadType is { } eventType)
            {
                sb.Append(CultureInfo.InvariantCulture, $"a=rtpmap:{eventType} telephone-event/{media.TelephoneEventClockRate}\r\n");
                sb.Append(CultureInfo.InvariantCulture, $"a=fmtp:{eventType} 0-16\r\n");
            }

            sb.Append("a=ptime:20\r\n");
            sb.Append(CultureInfo.InvariantCulture, $"a={media.Direction}\r\n");
        }

        return sb.ToString();
    }
}
