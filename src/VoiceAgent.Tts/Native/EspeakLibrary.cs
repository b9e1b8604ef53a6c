using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace VoiceAgent.Tts.Native;

/// <summary>
/// The single owner of libespeak-ng in this process. espeak-ng keeps all of its state in globals (current voice,
/// rate, translator, wave generator) and is not thread-safe, so every call goes through one
/// <see cref="SemaphoreSlim"/>, awaited asynchronously. Per-request data (voice, rate, output buffer) is set or
/// allocated inside the serialized section for each request.
/// </summary>
/// <remarks>
/// Output is not bit-identical from call to call, whatever we do: libespeak-ng 1.51 keeps a pitch-flutter phase in a
/// function-local static (Flutter_ix in wavegen.c AdvanceParameters) and an AGC level (Wavegen) that nothing resets,
/// not even espeak_Initialize, so the same request gives the same speech with a different sub-hertz pitch jitter
/// (lengths within about 40 samples). Other carried-over state is reset before each request, see
/// <see cref="ResetSynthesisState"/>.
/// </remarks>
internal sealed class EspeakLibrary : IAsyncDisposable
{
    /// <summary>espeak-ng's normal rate in words per minute (espeakRATE_NORMAL).</summary>
    internal const int NormalRate = 175;

    internal const int MinimumRate = 80;

    internal const int MaximumRate = 450;

    /// <summary>The probe voice that shows espeak-ng-data is readable after initialization.</summary>
    private const string ProbeVoice = "en";

    /// <summary>The fixed text synthesized (and discarded) before every request; see <see cref="ResetSynthesisState"/>.</summary>
    private static readonly byte[] ResetText = "a\0"u8.ToArray();

    private readonly SemaphoreSlim _gate = new(1, 1);
    private int _sampleRate;
    private bool _terminated;

    private EspeakLibrary()
    {
    }

    /// <summary>The process-wide instance: there is only one libespeak-ng per process, so there is only one owner.</summary>
    public static EspeakLibrary Shared { get; } = new();

    /// <summary>Sample rate reported by espeak-ng (22050 Hz), or 0 before initialization.</summary>
    public int SampleRate => Volatile.Read(ref _sampleRate);

    /// <summary>
    /// Loads and initializes espeak-ng once (later calls return at once). <paramref name="dataPath"/> null lets the
    /// library find espeak-ng-data itself (Debian: /usr/lib/x86_64-linux-gnu/espeak-ng-data, or ESPEAK_DATA_PATH).
    /// </summary>
    public async ValueTask<int> InitializeAsync(string? dataPath, CancellationToken cancellationToken)
    {
        if (SampleRate > 0)
        {
            return SampleRate;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_terminated, this);
            if (_sampleRate == 0)
            {
                Volatile.Write(ref _sampleRate, InitializeNative(dataPath));
            }

            return _sampleRate;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Synthesizes <paramref name="text"/> with the given voice and rate; returns mono 16-bit PCM at <see cref="SampleRate"/>.</summary>
    /// <exception cref="ArgumentException">The voice is not known to espeak-ng.</exception>
    public async ValueTask<short[]> SynthesizeAsync(string text, string voice, int rate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        var utf8 = ToNullTerminatedUtf8(text);
        var sink = new EspeakSynthesisSink(cancellationToken);

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            EnsureInitialized();
            ResetSynthesisState();
            SelectVoice(voice);
            Check(EspeakNative.SetParameter(EspeakParameter.Rate, Math.Clamp(rate, MinimumRate, MaximumRate), 0), "espeak_SetParameter(rate)");
            SynthesizeLocked(utf8, sink);
        }
        finally
        {
            _gate.Release();
        }

        if (sink.Failure is not null)
        {
            throw new InvalidOperationException("espeak-ng synthesis callback failed.", sink.Failure);
        }

        cancellationToken.ThrowIfCancellationRequested();
        return sink.ToArray();
    }

    /// <summary>
    /// Translates each clause to IPA with the given voice's language. espeak-ng 1.51 drops punctuation and clause
    /// boundaries from this output, so the caller splits clauses itself and re-inserts punctuation.
    /// </summary>
    public async ValueTask<string[]> ToIpaAsync(IReadOnlyList<string> clauses, string voice, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clauses);
        var result = new string[clauses.Count];
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            EnsureInitialized();
            SelectVoice(voice);
            for (var i = 0; i < clauses.Count; i++)
            {
                result[i] = ToIpaLocked(clauses[i]);
            }
        }
        finally
        {
            _gate.Release();
        }

        return result;
    }

    /// <summary>
    /// Synchronous <see cref="ToIpaAsync"/> for stage 1, whose <c>ITtsEngine.Tokenize</c> is synchronous: a clause
    /// translates in well under a millisecond, so blocking a pool thread on the gate briefly is cheaper than
    /// sync-over-async. Requires <see cref="InitializeAsync"/> to have run (engines do it in their own initialization).
    /// </summary>
    public string[] ToIpa(IReadOnlyList<string> clauses, string voice, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clauses);
        var result = new string[clauses.Count];
        _gate.Wait(cancellationToken);
        try
        {
            EnsureInitialized();
            SelectVoice(voice);
            for (var i = 0; i < clauses.Count; i++)
            {
                result[i] = ToIpaLocked(clauses[i]);
            }
        }
        finally
        {
            _gate.Release();
        }

        return result;
    }

    /// <summary>Calls espeak_Terminate. Only the host does this, at process exit: the library cannot be re-initialized reliably.</summary>
    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!_terminated && _sampleRate > 0)
            {
                EspeakNative.Terminate();
            }

            _terminated = true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Puts espeak-ng's hidden per-synthesis state into the same condition before every request. libespeak-ng 1.51
    /// carries statics from one synthesis into the next (e.g. more_syllables in setlengths.c CalcLengths, speed and
    /// translator state after a rate change or a mid-text language switch, the queue left by an aborted synthesis),
    /// which shifted the next request's timing by up to 1% depending on what another session said before it.
    /// Measured: after one fixed tiny synthesis, the next request's length is the same within the flutter jitter
    /// (about 20 samples) whatever came before. Costs well under a millisecond.
    /// </summary>
    private static void ResetSynthesisState()
    {
        SelectVoice(ProbeVoice);
        Check(EspeakNative.SetParameter(EspeakParameter.Rate, NormalRate, 0), "espeak_SetParameter(rate)");
        SynthesizeLocked(ResetText, sink: null);
    }

    private static unsafe void SynthesizeLocked(byte[] utf8, EspeakSynthesisSink? sink)
    {
        // The callback finds the sink through user_data; without a sink (reset) it sees 0 and discards the audio.
        var handle = sink is null ? default : GCHandle.Alloc(sink);
        try
        {
            fixed (byte* textPointer = utf8)
            {
                var flags = (uint)EspeakNative.CharsUtf8 | EspeakNative.EndPause;
                Check(
                    EspeakNative.Synth(textPointer, (nuint)utf8.Length, 0, EspeakPositionType.Character, 0, flags, null, handle.IsAllocated ? GCHandle.ToIntPtr(handle) : 0),
                    "espeak_Synth");
            }
        }
        finally
        {
            if (handle.IsAllocated)
            {
                handle.Free();
            }
        }
    }

    private static unsafe int InitializeNative(string? dataPath)
    {
        if (dataPath is not null && !Directory.Exists(dataPath))
        {
            throw new InvalidOperationException(
                $"espeak-ng data directory '{dataPath}' does not exist. Install it with: apt-get install espeak-ng-data");
        }

        EspeakNative.LoadOrThrow(EspeakNative.LibraryName);
        int sampleRate;
        try
        {
            var path = dataPath is null ? null : ToNullTerminatedUtf8(dataPath);
            fixed (byte* pathPointer = path)
            {
                sampleRate = EspeakNative.Initialize(EspeakAudioOutput.Synchronous, 0, pathPointer, EspeakNative.InitializeDontExit);
            }

            EspeakNative.SetSynthCallback(&OnSynthesized);

            // With DONT_EXIT espeak_Initialize still returns the sample rate when its data could not be read;
            // loading a voice is what actually fails then, so probe one here rather than on the first call.
            if (sampleRate <= 0 || EspeakNative.SetVoiceByName(ProbeVoice) != EspeakError.Ok)
            {
                throw new InvalidOperationException(
                    "espeak-ng failed to initialize: its data files were not found " +
                    $"(looked in {dataPath ?? "the library's default path, e.g. /usr/lib/x86_64-linux-gnu/espeak-ng-data, or ESPEAK_DATA_PATH"}). " +
                    "Install them with: apt-get install espeak-ng-data");
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            throw EspeakNative.MissingLibrary(EspeakNative.LibraryName, ex);
        }

        return sampleRate;
    }

    private static void SelectVoice(string voice)
    {
        if (string.IsNullOrWhiteSpace(voice) || voice.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"Unknown espeak-ng voice '{voice}'.", nameof(voice));
        }

        // Like the espeak-ng command line: a voice file name first (en-us, de, fr), then a language (en-gb has no file
        // of its own; the best voice for it is gmw/en).
        var error = EspeakNative.SetVoiceByName(voice);
        if (error == EspeakError.NotFound)
        {
            error = SetVoiceByLanguage(voice);
        }

        if (error != EspeakError.Ok)
        {
            throw new ArgumentException(
                $"Unknown espeak-ng voice '{voice}' (espeak-ng returned {error}). Use a name like en-us, en-gb, de or fr.",
                nameof(voice));
        }
    }

    private static unsafe EspeakError SetVoiceByLanguage(string language)
    {
        var utf8 = ToNullTerminatedUtf8(language);
        fixed (byte* languagePointer = utf8)
        {
            var selector = new EspeakVoiceSelector { Languages = languagePointer };
            return EspeakNative.SetVoiceByProperties(&selector);
        }
    }

    private static unsafe string ToIpaLocked(string clause)
    {
        var utf8 = ToNullTerminatedUtf8(clause);
        var builder = new StringBuilder();
        fixed (byte* start = utf8)
        {
            // espeak_TextToPhonemes consumes one clause per call and sets the pointer to null at the end of the text.
            var cursor = start;
            while (cursor is not null && *cursor != 0)
            {
                var phonemes = EspeakNative.TextToPhonemes(&cursor, EspeakNative.CharsUtf8, EspeakNative.PhonemesIpa);
                var piece = Marshal.PtrToStringUTF8((nint)phonemes)?.Trim();
                if (!string.IsNullOrEmpty(piece))
                {
                    if (builder.Length > 0)
                    {
                        builder.Append(' ');
                    }

                    builder.Append(piece);
                }
            }
        }

        return builder.ToString();
    }

    private void EnsureInitialized()
    {
        ObjectDisposedException.ThrowIf(_terminated, this);
        if (_sampleRate == 0)
        {
            throw new InvalidOperationException("espeak-ng is not initialized; call InitializeAsync at start-up.");
        }
    }

    private static void Check(EspeakError error, string call)
    {
        if (error != EspeakError.Ok)
        {
            throw new InvalidOperationException($"{call} failed with {error}.");
        }
    }

    private static byte[] ToNullTerminatedUtf8(string text)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
        Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }

    /// <summary>
    /// espeak-ng's synth callback (t_espeak_callback). Runs on the thread inside espeak_Synth, i.e. inside the
    /// serialized section. Returns 1 to abort synthesis (cancellation), 0 to continue.
    /// </summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe int OnSynthesized(short* samples, int count, EspeakEvent* events)
    {
        if (events is null || events->UserData == 0)
        {
            return 0;
        }

        var sink = (EspeakSynthesisSink?)GCHandle.FromIntPtr(events->UserData).Target;
        if (sink is null)
        {
            return 1;
        }

        try
        {
            if (samples is not null && count > 0)
            {
                sink.Append(new ReadOnlySpan<short>(samples, count));
            }

            return sink.CancellationToken.IsCancellationRequested ? 1 : 0;
        }
        catch (Exception ex)
        {
            sink.Failure = ex;
            return 1;
        }
    }
}
