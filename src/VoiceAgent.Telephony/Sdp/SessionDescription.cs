using System.Globalization;

namespace VoiceAgent.Telephony.Sdp;

/// <summary>An SDP session description (RFC 4566): the parts an audio offer/answer needs.</summary>
public sealed record SessionDescription(string? Origin, string? ConnectionAddress, IReadOnlyList<SdpMediaDescription> Media)
{
    /// <summary>Parses SDP; returns false with a reason (never throws) when it is not usable SDP.</summary>
    public static bool TryParse(string text, out SessionDescription? description, out string? error)
    {
        description = null;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "empty SDP";
            return false;
        }

        string? origin = null;
        string? sessionConnection = null;
        var media = new List<SdpMediaDescription>();
        MediaBuilder? current = null;
        var sawVersion = false;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            if (line.Length < 2 || line[1] != '=')
            {
                error = $"malformed SDP line '{Truncate(line)}'";
                return false;
            }

            var value = line[2..];
            switch (line[0])
            {
                case 'v':
                    sawVersion = value.Trim() == "0";
                    break;
                case 'o':
                    origin = value;
                    break;
                case 'c':
                    if (!TryParseConnection(value, out var address))
                    {
                        error = $"malformed c= line '{Truncate(value)}'";
                        return false;
                    }

                    if (current is null)
                    {
                        sessionConnection = address;
                    }
                    else
                    {
                        current.Connection = address;
                    }

                    break;
                case 'm':
                    if (current is not null)
                    {
                        media.Add(current.Build());
                    }

                    current = MediaBuilder.TryCreate(value);
                    if (current is null)
                    {
                        error = $"malformed m= line '{Truncate(value)}'";
                        return false;
                    }

                    break;
                case 'a' when current is not null:
                    current.AddAttribute(value);
                    break;
            }
        }

        if (!sawVersion)
        {
            error = "SDP without v=0";
            return false;
        }

        if (current is not null)
        {
            media.Add(current.Build());
        }

        description = new SessionDescription(origin, sessionConnection, media);
        return true;
    }

    /// <summary>c=IN IP4 &lt;address&gt; (or IP6).</summary>
    private static bool TryParseConnection(string value, out string? address)
    {
        address = null;
        var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 3 || parts[0] != "IN" || parts[1] is not ("IP4" or "IP6"))
        {
            return false;
        }

        // Multicast addresses carry a /ttl suffix (RFC 4566 §5.7).
        address = parts[2].Split('/')[0];
        return true;
    }

    private static string Truncate(string text) => text.Length <= 60 ? text : text[..60] + "...";

    private sealed class MediaBuilder
    {
        private readonly string _media;
        private readonly int _port;
        private readonly string _protocol;
        private readonly List<string> _formats;
        private readonly List<SdpRtpMap> _rtpMaps = [];
        private readonly Dictionary<string, string> _fmtp = [];
        private int? _ptime;
        private string? _direction;

        private MediaBuilder(string media, int port, string protocol, List<string> formats)
        {
            _media = media;
            _port = port;
            _protocol = protocol;
            _formats = formats;
        }

        public string? Connection { get; set; }

        public static MediaBuilder? TryCreate(string value)
        {
            var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 4)
            {
                return null;
            }

            // <port>[/<number of ports>]
            var portText = parts[1].Split('/')[0];
            if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
            {
                return null;
            }

            return new MediaBuilder(parts[0], port, parts[2], [.. parts[3..]]);
        }

        public void AddAttribute(string attribute)
        {
            var colon = attribute.IndexOf(':');
            var name = colon >= 0 ? attribute[..colon] : attribute;
            var value = colon >= 0 ? attribute[(colon + 1)..] : string.Empty;
            switch (name)
            {
                case "rtpmap":
                    if (TryParseRtpMap(value) is { } map)
                    {
                        _rtpMaps.Add(map);
                    }

                    break;
                case "fmtp":
                    var space = value.IndexOf(' ');
                    if (space > 0)
                    {
                        _fmtp[value[..space]] = value[(space + 1)..].Trim();
                    }

                    break;
                case "ptime":
                    if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ptime))
                    {
                        _ptime = ptime;
                    }

                    break;
                case "sendrecv" or "sendonly" or "recvonly" or "inactive":
                    _direction = name;
                    break;
            }
        }

        private static SdpRtpMap? TryParseRtpMap(string value)
        {
            var space = value.IndexOf(' ');
            if (space <= 0 || !int.TryParse(value.AsSpan(0, space), NumberStyles.None, CultureInfo.InvariantCulture, out var pt))
            {
                return null;
            }

            var parts = value[(space + 1)..].Trim().Split('/');
            if (parts.Length < 2 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var rate))
            {
                return null;
            }

            var channels = parts.Length > 2 && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var c) ? c : 1;
            return new SdpRtpMap(pt, parts[0], rate, channels);
        }

        public SdpMediaDescription Build() => new(_media, _port, _protocol, _formats, Connection, _rtpMaps, _fmtp, _ptime, _direction);
    }
}
