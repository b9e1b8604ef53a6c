using System.Globalization;

namespace VoiceAgent.Telephony.Codecs;

/// <summary>Opus encoder tuning (Media:Opus:*), narrowed by what the remote side asked for in its fmtp (RFC 7587 §6.1).</summary>
public sealed record OpusEncoderSettings
{
    /// <summary>Target bitrate in bit/s; 24 kbit/s is transparent for wideband speech.</summary>
    public int Bitrate { get; init; } = 24000;

    /// <summary>
    /// 0-10. 2 by default: measured on 2 cores with the synthesizer busy, 150 calls keep their 20 ms
    /// pacing at complexity 2 (p99 10.6 ms) and fall seconds behind at 5 (bench/README.md); for 24 kbit/s
    /// telephone speech the quality difference is small. Raise it when there are cores to spare.
    /// </summary>
    public int Complexity { get; init; } = 2;

    /// <summary>In-band forward error correction.</summary>
    public bool InbandFec { get; init; }

    /// <summary>Discontinuous transmission during silence.</summary>
    public bool Dtx { get; init; }

    /// <summary>Highest audio sample rate worth encoding (the receiver's maxplaybackrate, RFC 7587 §6.1); 48000 = fullband.</summary>
    public int MaxPlaybackRate { get; init; } = 48000;

    /// <summary>Applies the receiver's maxaveragebitrate, maxplaybackrate, useinbandfec and usedtx (sprop-* describe what it sends and need nothing here).</summary>
    public OpusEncoderSettings ApplyRemoteFormat(string? fmtp)
    {
        if (string.IsNullOrWhiteSpace(fmtp))
        {
            return this;
        }

        var result = this;
        foreach (var part in fmtp.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0)
            {
                continue;
            }

            var key = part[..eq].Trim().ToLowerInvariant();
            var value = part[(eq + 1)..].Trim();
            result = key switch
            {
                "maxaveragebitrate" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var max) && max >= 6000
                    => result with { Bitrate = Math.Min(result.Bitrate, max) },
                "maxplaybackrate" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var rate) && rate >= 8000
                    => result with { MaxPlaybackRate = Math.Min(result.MaxPlaybackRate, rate) },
                "useinbandfec" => result with { InbandFec = value == "1" },
                "usedtx" => result with { Dtx = value == "1" },
                _ => result,
            };
        }

        return result;
    }
}
