using VoiceAgent.Telephony.Codecs;
using VoiceAgent.Telephony.Media;

namespace VoiceAgent.Host.Configuration;

/// <summary>
/// The <c>Media</c> section: codecs we accept (Media:Codecs, in our preference order), Opus tuning
/// (Media:Opus:*) and the media clock threads' real-time priority (Media:ClockRealTimePriority, 0: nice -15 only).
/// </summary>
internal sealed record MediaSettings(IReadOnlyList<AudioCodecDescriptor> Codecs, OpusEncoderSettings Opus, int ClockRealTimePriority = MediaClock.DefaultRealTimePriority)
{
    public const string DefaultCodecs = "opus,G722,PCMU,PCMA";

    public static MediaSettings Load(ConfigurationReader reader)
    {
        var names = reader.ReadString("Media:Codecs", DefaultCodecs).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var codecs = new List<AudioCodecDescriptor>();
        foreach (var name in names)
        {
            var codec = AudioCodecs.Find(name)
                ?? throw new ConfigurationException($"Media:Codecs lists '{name}', which is not supported; supported: {DefaultCodecs}.");
            codecs.Add(codec);
        }

        if (codecs.Count == 0)
        {
            throw new ConfigurationException($"Media:Codecs must name at least one codec of: {DefaultCodecs}.");
        }

        var opus = new OpusEncoderSettings
        {
            Bitrate = reader.ReadInt("Media:Opus:Bitrate", 24000, 6000, 510000),
            Complexity = reader.ReadInt("Media:Opus:Complexity", 2, 0, 10),
            InbandFec = reader.ReadBool("Media:Opus:Fec", false),
        };
        // Up to 49: the kernel's threaded interrupt handlers (50) deliver the packets and must stay above.
        var priority = reader.ReadInt("Media:ClockRealTimePriority", MediaClock.DefaultRealTimePriority, 0, 49);
        return new MediaSettings(codecs, opus, priority);
    }
}
