using VoiceAgent.Telephony.Native;

namespace VoiceAgent.Telephony.Codecs;

/// <summary>
/// Streaming mono 16-bit resampler on libsoxr (default high-quality recipe). State is kept across
/// calls, so consecutive chunks of one utterance join without clicks. One instance per stream:
/// sharing resampler state between calls leaks one call's audio into another.
/// </summary>
public sealed class SoxrResampler : IDisposable
{
    private readonly SoxrHandle _handle;
    private bool _flushed;

    public SoxrResampler(int inputRate, int outputRate)
    {
        if (inputRate <= 0 || outputRate <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(inputRate), $"Invalid resampling {inputRate} -> {outputRate} Hz.");
        }

        InputRate = inputRate;
        OutputRate = outputRate;
        var io = new SoxrNative.IoSpec { InputType = SoxrNative.Int16Interleaved, OutputType = SoxrNative.Int16Interleaved, Scale = 1.0 };
        nint handle;
        nint error;
        try
        {
            unsafe
            {
                handle = SoxrNative.Create(inputRate, outputRate, 1, out error, &io, null, null);
            }
        }
        catch (DllNotFoundException ex)
        {
            throw SoxrNative.Missing(ex);
        }

        if (error != 0 || handle == 0)
        {
            throw new InvalidOperationException($"soxr_create failed: {SoxrNative.ErrorText(error)}");
        }

        _handle = new SoxrHandle(handle);
    }

    public int InputRate { get; }

    public int OutputRate { get; }

    /// <summary>Output samples to reserve for <paramref name="inputSamples"/> of input (with room for the filter's delay).</summary>
    public int MaxOutputFor(int inputSamples) => (int)((long)inputSamples * OutputRate / InputRate) + 64;

    /// <summary>Resamples <paramref name="input"/>; returns the number of samples written to <paramref name="output"/>.</summary>
    public int Process(ReadOnlySpan<short> input, Span<short> output)
    {
        ObjectDisposedException.ThrowIf(_flushed, this);
        var written = 0;
        var consumed = 0;
        while (consumed < input.Length && written < output.Length)
        {
            Run(input[consumed..], output[written..], out var inDone, out var outDone);
            consumed += inDone;
            written += outDone;
            if (inDone == 0 && outDone == 0)
            {
                break;
            }
        }

        return written;
    }

    /// <summary>Ends the stream: writes what the filter still holds. The resampler cannot be fed afterwards.</summary>
    public int Flush(Span<short> output)
    {
        _flushed = true;
        var written = 0;
        while (written < output.Length)
        {
            Run(ReadOnlySpan<short>.Empty, output[written..], out _, out var outDone, endOfInput: true);
            if (outDone == 0)
            {
                break;
            }

            written += outDone;
        }

        return written;
    }

    private unsafe void Run(ReadOnlySpan<short> input, Span<short> output, out int inputDone, out int outputDone, bool endOfInput = false)
    {
        fixed (short* inPtr = input)
        fixed (short* outPtr = output)
        {
            // soxr_process with a null input signals the end of the stream.
            var error = SoxrNative.Process(_handle, endOfInput ? null : inPtr, (nuint)input.Length, out var inDone, outPtr, (nuint)output.Length, out var outDone);
            if (error != 0)
            {
                throw new InvalidOperationException($"soxr_process failed: {SoxrNative.ErrorText(error)}");
            }

            inputDone = (int)inDone;
            outputDone = (int)outDone;
        }
    }

    public void Dispose() => _handle.Dispose();
}
