namespace VoiceAgent.Tts.Engines.Arcodec;

/// <summary>
/// Streaming vocoding of one row: decodes windows of <c>W</c> frames that start every <c>W - O</c> frames, so audio
/// comes out after the first <c>W</c> frames instead of at the end. Consecutive windows share <c>O</c> frames; the
/// second window's start is crossfaded with the first's held-back tail (raised cosine, gains summing to 1), which hides
/// the edge a convolutional decoder makes at a window border. The windows depend only on the frame count, so decoding
/// as frames arrive and decoding all frames at the end give the same samples. Row state; one per utterance chunk.
/// Full windows run through the row's <see cref="CodecWindowBinding"/> (reused buffers); the last, shorter one does not.
/// </summary>
internal sealed class CodecWindowStream : IDisposable
{
    private readonly ArcodecCodec _codec;
    private readonly int _window;
    private readonly int _overlap;
    private int _start;
    private float[]? _tail;
    private bool _done;
    private CodecWindowBinding? _binding;

    public CodecWindowStream(ArcodecCodec codec, int windowFrames, int overlapFrames)
    {
        _codec = codec;
        _window = windowFrames;
        _overlap = overlapFrames;
    }

    public bool IsDone => _done;

    /// <summary>
    /// The next piece of audio once a window is ready, else null. Call after every new frame, and when
    /// <paramref name="finished"/> until it returns null.
    /// </summary>
    /// <param name="codes">Frame-major codes generated so far.</param>
    /// <param name="frames">Frames in <paramref name="codes"/>.</param>
    /// <param name="finished">Generation has ended: flush what is left.</param>
    public float[]? TryDecode(ReadOnlySpan<long> codes, int frames, bool finished, CancellationToken cancellationToken)
    {
        if (_done)
        {
            return null;
        }

        if (finished && frames <= _start + _overlap && _tail is not null)
        {
            // Nothing new after the held tail: it is the end of the audio.
            _done = true;
            return _tail;
        }

        if (finished && frames <= _start)
        {
            _done = true;
            return [];
        }

        int end;
        if (frames >= _start + _window)
        {
            end = _start + _window;
        }
        else if (finished)
        {
            end = frames;
        }
        else
        {
            return null;
        }

        ReadOnlySpan<float> audio = end - _start == _window
            ? (_binding ??= new CodecWindowBinding(_codec, _window)).Decode(codes, _start, cancellationToken)
            : _codec.Decode(codes, _start, end - _start, cancellationToken);
        var isFinal = finished && end == frames;
        var overlapSamples = _overlap * _codec.HopLength;
        var head = _tail is null ? 0 : overlapSamples;
        var keep = isFinal ? 0 : overlapSamples;
        var piece = new float[audio.Length - keep];
        if (_tail is not null)
        {
            Crossfade(_tail, audio[..overlapSamples], piece.AsSpan(0, overlapSamples));
        }

        audio[head..^keep].CopyTo(piece.AsSpan(head));
        _tail = keep == 0 ? null : audio[^keep..].ToArray();
        _start = end - _overlap;
        _done = isFinal;
        return piece;
    }

    /// <summary>Raised-cosine crossfade: the two decodes are of the same codes, so equal gain (not equal power) is right.</summary>
    internal static void Crossfade(ReadOnlySpan<float> fadingOut, ReadOnlySpan<float> fadingIn, Span<float> destination)
    {
        var n = destination.Length;
        for (var i = 0; i < n; i++)
        {
            var w = 0.5f - (0.5f * MathF.Cos(MathF.PI * (i + 0.5f) / n));
            destination[i] = (fadingOut[i] * (1 - w)) + (fadingIn[i] * w);
        }
    }

    public void Dispose()
    {
        _binding?.Dispose();
        _binding = null;
    }
}
