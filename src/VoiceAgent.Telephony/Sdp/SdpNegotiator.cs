using System.Net;

namespace VoiceAgent.Telephony.Sdp;

/// <summary>
/// Answers an audio offer (RFC 3264 §6): the first codec in the OFFERER's order that we support,
/// telephone-event when offered (RFC 4733 §7.1.1), the offerer's payload type numbers kept.
/// </summary>
public sealed class SdpNegotiator(IReadOnlyList<string> supportedCodecs)
{
    /// <summary>Static payload types of RFC 3551 §6 that may appear without an rtpmap.</summary>
    private static readonly Dictionary<int, (string Name, int Rate)> StaticPayloadTypes = new()
    {
        [0] = ("PCMU", 8000),
        [8] = ("PCMA", 8000),
        [9] = ("G722", 8000),
    };

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

            string? codec = null;
            var payloadType = -1;
            int? telephoneEvent = null;
            foreach (var format in media.Formats)
            {
                if (!int.TryParse(format, out var pt) || pt is < 0 or > 127)
                {
                    continue;
                }

                var map = media.RtpMaps.FirstOrDefault(m => m.PayloadType == pt);
                var (name, rate) = map is not null ? (map.EncodingName, map.ClockRate) : StaticPayloadTypes.GetValueOrDefault(pt);
                if (name is null)
                {
                    continue;
                }

                if (string.Equals(name, "telephone-event", StringComparison.OrdinalIgnoreCase) && rate == 8000)
                {
                    telephoneEvent ??= pt;
                }
                else if (codec is null && rate == 8000 && supportedCodecs.FirstOrDefault(c => string.Equals(c, name, StringComparison.OrdinalIgnoreCase)) is { } ours)
                {
                    codec = ours;
                    payloadType = pt;
                }
            }

            if (codec is null)
            {
                return new(null, $"no common codec: offered [{string.Join(' ', media.Formats)}], supported [{string.Join(' ', supportedCodecs)}]");
            }

            // RFC 3264 §6.1: answer sendonly with recvonly, recvonly with sendonly, inactive with inactive.
            var direction = media.Direction switch
            {
                "sendonly" => "recvonly",
                "recvonly" => "sendonly",
                "inactive" => "inactive",
                _ => "sendrecv",
            };
            return new(new NegotiatedMedia(codec, payloadType, telephoneEvent, new IPEndPoint(address, media.Port), index, direction), null);
        }

        return new(null, "the offer has no RTP/AVP audio stream");
    }
}
