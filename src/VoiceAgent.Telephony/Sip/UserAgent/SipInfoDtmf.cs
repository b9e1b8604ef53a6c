using System.Globalization;
using System.Text;
using VoiceAgent.Telephony.Rtp;

namespace VoiceAgent.Telephony.Sip.UserAgent;

/// <summary>
/// DTMF carried in SIP INFO bodies, as many PBXs and trunks send it instead of RFC 4733 events:
/// <c>application/dtmf-relay</c> (<c>Signal=5</c>, <c>Duration=160</c> lines) and
/// <c>application/dtmf</c> (the key alone).
/// </summary>
internal static class SipInfoDtmf
{
    private const string Keys = "0123456789*#ABCD";

    public static bool TryParse(string? contentType, ReadOnlySpan<byte> body, long receivedTimestamp, out DtmfDigit digit)
    {
        digit = default;
        var type = contentType?.Split(';')[0].Trim().ToLowerInvariant();
        if (type is not ("application/dtmf-relay" or "application/dtmf") || body.Length is 0 or > 1024)
        {
            return false;
        }

        var text = Encoding.ASCII.GetString(body);
        char? key = null;
        var duration = 100;
        if (type == "application/dtmf")
        {
            key = Normalize(text.Trim());
        }
        else
        {
            foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var eq = line.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0)
                {
                    continue;
                }

                var name = line[..eq].Trim();
                var value = line[(eq + 1)..].Trim();
                if (name.Equals("Signal", StringComparison.OrdinalIgnoreCase))
                {
                    key = Normalize(value);
                }
                else if (name.Equals("Duration", StringComparison.OrdinalIgnoreCase) && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
                {
                    duration = Math.Clamp(ms, 0, 60_000);
                }
            }
        }

        if (key is not { } k)
        {
            return false;
        }

        digit = new DtmfDigit(k, duration, receivedTimestamp);
        return true;
    }

    /// <summary>A key as a character; some senders write events as numbers (10 = *, 11 = #, 12-15 = A-D, RFC 4733 §3.2).</summary>
    private static char? Normalize(string value)
    {
        if (value.Length == 1 && Keys.Contains(char.ToUpperInvariant(value[0]), StringComparison.Ordinal))
        {
            return char.ToUpperInvariant(value[0]);
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var code) && code is >= 10 and <= 15 ? Keys[code] : null;
    }
}
