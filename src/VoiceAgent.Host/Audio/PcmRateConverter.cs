using VoiceAgent.Telephony.Codecs;

namespace VoiceAgent.Host.Audio;

/// <summary>
/// Converts a stream of 16-bit PCM from one sample rate to another (libsoxr; its filter state runs
/// across chunks), or passes it through when the rates match. The only place the host resamples a
/// call's or a synthesis's audio: the playout path reaches it through the call's PlayoutWriter, the
/// caller-audio forwarders and the speech endpoints directly. One converter per source and
/// direction: filter state never crosses calls.
/// The returned spans point into the converter's own buffer and are valid until the next call.
/// </summary>
internal sealed class PcmRateConverter(int inputRate, int outputRate) : IDisposable
{
    private SoxrResampler? _resampler = inputRate == outputRate ? null : new SoxrResampler(inputRate, outputRate);
    private short[] _output = [];

    public int InputRate { get; } = inputRate;

    public int OutputRate { get; } = outputRate;

    /// <summary>The rates match: samples pass through unchanged and nothing is held back.</summary>
    public bool IsPassThrough => _resampler is null;

    /// <summary>The converted samples for <paramref name="input"/> (possibly fewer while the filter fills).</summary>
    public ReadOnlyMemory<short> Convert(ReadOnlySpan<short> input)
    {
        if (_resampler is null)
        {
            return Reserve(input.Length, copy: input);
        }

        var buffer = Reserve(_resampler.MaxOutputFor(input.Length));
        return buffer[.._resampler.Process(input, buffer.Span)];
    }

    /// <summary>What the filter still holds at the end of a stream (nothing when passing through).</summary>
    public ReadOnlyMemory<short> Flush()
    {
        if (_resampler is null)
        {
            return ReadOnlyMemory<short>.Empty;
        }

        var buffer = Reserve(_resampler.MaxOutputFor(InputRate / 10));
        return buffer[.._resampler.Flush(buffer.Span)];
    }

    /// <summary>Drops the filter's history (it belongs to audio that was just discarded).</summary>
    public void Reset()
    {
        if (_resampler is { } old)
        {
            _resampler = new SoxrResampler(InputRate, OutputRate);
            old.Dispose();
        }
    }

    public void Dispose() => _resampler?.Dispose();

    private Memory<short> Reserve(int length, ReadOnlySpan<short> copy = default)
    {
        if (_output.Length < length)
        {
            _output = new short[Math.Max(length, _output.Length * 2)];
        }

        copy.CopyTo(_output);
        return _output.AsMemory(0, length);
    }
}
