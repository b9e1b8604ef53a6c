using System.Net;
using VoiceAgent.Telephony.Codecs;

namespace VoiceAgent.Telephony.Sdp;

/// <summary>
/// Answers an audio offer (RFC 3264 §6): the first codec in the OFFERER's order that we support
/// (name and clock rate from rtpmap, or RFC 3551 static payload types), the offerer's payload type
/// numbers kept, telephone-event when offered (RFC 4733 §7.1.1), preferably at the codec's clock rate.
/// </summary>
public sealed class SdpNegotiator(IReadOnlyList<AudioCodecDescriptor> supportedCodecs)
{
    public SdpNegotiationResult Negotiate(SessionDescription offer)
    {
        for (var index = 0; index < offer.Media.Count; index++)
        {
            var media = offer.Media[index];
            if (media.Media != "audio" || media.Port == 0 || !media.Protocol.StartsWith("RTP/AVP", StringComparison.Ordinal))
            {
                continue;
            }

            var connection = media.ConnectionAddress ?? offer.ConnectionAddress;
            if (connection is null || !IPAddress.TryParse(connection, out var address))
            {
                return new(null, "the offer has no usable c= address");
            }

            AudioCodecDescriptor? codec = null;
            var payloadType = -1;
            var events = new List<(int PayloadType, int Rate)>();
            foreach (var format in media.Formats)
            {
                if (!int.TryParse(format, out var pt) || pt is < 0 or > 127)
                {
                    continue;
                }

                var map = media.RtpMaps.FirstOrDefault(m => m.PayloadType == pt);
                var (name, rate) = map is not null
                    ? (map.EncodingName, map.ClockRate)
                    : AudioCodecs.All.FirstOrDefault(c => c.StaticPayloadType == pt) is { } known ? (known.Name, known.ClockRate) : (null, 0);
                if (name is null)
                {
                    continue;
                }

                if (string.Equals(name, "telephone-event", StringComparison.OrdinalIgnoreCase))
                {
                    events.Add((pt, rate));
                }
                else if (codec is null && supportedCodecs.FirstOrDefault(c => c.Matches(name, rate)) is { } ours)
                {
                    codec = ours;
                    payloadType = pt;
                }
            }

            if (codec is null)
            {
                return new(null, $"no common codec: offered [{string.Join(' ', media.Formats)}], supported [{string.Join(' ', supportedCodecs.Select(c => c.Name))}]");
            }

            (int PayloadType, int Rate)? dtmf = events.Count == 0 ? null
                : events.FirstOrDefault(e => e.Rate == codec.ClockRate) is { PayloadType: > 0 } same ? same : events[0];
            // RFC 3264 §6.1: answer sendonly with recvonly, recvonly with sendonly, inactive with inactive.
            var direction = media.Direction switch
            {
                "sendonly" => "recvonly",
                "recvonly" => "sendonly",
                "inactive" => "inactive",
                _ => "sendrecv",
            };
            return new(new NegotiatedMedia(
                codec.Name, payloadType, codec.ClockRate, codec.Channels, media.Fmtp.GetValueOrDefault(payloadType.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                dtmf?.PayloadType, dtmf?.Rate ?? 8000, new IPEndPoint(address, media.Port), index, direction), null);
        }

        return new(null, "the offer has no RTP/AVP audio stream");
    }
}
