using VoiceAgent.Telephony.Codecs;
using VoiceAgent.Telephony.Media;

namespace VoiceAgent.Host.Applications.Streams;

/// <summary>
/// Audio an application streams into a call. Applications send audio faster than real time, so it
/// is queued here (in order with its marks) and a writer feeds the call's playout buffer at the
/// pace of the media clock; the socket reader never waits, so a <c>clear</c> acts at once instead of
/// behind seconds of queued audio. μ-law 8 kHz is decoded and resampled (libsoxr, state kept across
/// messages) to the call's codec rate.
/// </summary>
internal sealed class StreamPlayback : IAsyncDisposable
{
    private readonly PlayoutBuffer _playout;
    private readonly Action<string> _markReached;
    private readonly Lock _gate = new();
    private readonly Queue<Item> _queue = new();
    private readonly SemaphoreSlim _available = new(0);
    private readonly CancellationTokenSource _stopped = new();
    private readonly Task _writer;
    private CancellationTokenSource _generation = new();
    private SoxrResampler? _resampler;

    /// <param name="markReached">Called with a mark's name once the audio before it was sent or cleared.</param>
    public StreamPlayback(PlayoutBuffer playout, Action<string> markReached)
    {
        _playout = playout;
        _markReached = markReached;
        _resampler = playout.SampleRate == 8000 ? null : new SoxrResampler(8000, playout.SampleRate);
        _writer = Task.Run(WriteLoopAsync);
    }

    public void EnqueueMuLaw(byte[] mulaw) => Enqueue(new Item(mulaw, null));

    public void EnqueueMark(string name) => Enqueue(new Item(null, name));

    /// <summary>Drops the queued audio and what the playout buffer holds; marks still queued come back at once.</summary>
    public void Clear()
    {
        List<string> dropped;
        lock (_gate)
        {
            dropped = [.. _queue.Where(i => i.Mark is not null).Select(i => i.Mark!)];
            _queue.Clear();
            _generation.Cancel();
            _generation.Dispose();
            _generation = new CancellationTokenSource();
        }

        _playout.Clear();
        foreach (var mark in dropped)
        {
            _markReached(mark);
        }
    }

    private void Enqueue(Item item)
    {
        lock (_gate)
        {
            _queue.Enqueue(item);
        }

        _available.Release();
    }

    private async Task WriteLoopAsync()
    {
        try
        {
            while (true)
            {
                await _available.WaitAsync(_stopped.Token);
                Item item;
                CancellationToken generation;
                lock (_gate)
                {
                    if (!_queue.TryDequeue(out item!))
                    {
                        continue; // cleared since it was queued
                    }

                    generation = _generation.Token;
                }

                if (item.Mark is { } mark)
                {
                    _ = EchoWhenPlayedAsync(_playout.MarkEnd(), mark);
                    continue;
                }

                try
                {
                    await WriteAsync(item.Audio!, generation);
                }
                catch (OperationCanceledException) when (generation.IsCancellationRequested && !_stopped.IsCancellationRequested)
                {
                    ResetResampler(); // its filter history belongs to the dropped audio
                }
            }
        }
        catch (OperationCanceledException) when (_stopped.IsCancellationRequested)
        {
        }
    }

    private async Task EchoWhenPlayedAsync(Task<long> played, string mark)
    {
        try
        {
            await played;
        }
        catch (OperationCanceledException)
        {
            // Dropped by a clear: Twilio echoes such marks too.
        }

        _markReached(mark);
    }

    private async Task WriteAsync(byte[] mulaw, CancellationToken cancellationToken)
    {
        var pcm = new short[mulaw.Length];
        G711MuLawCodec.Instance.Decode(mulaw, pcm);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopped.Token);
        if (_resampler is null)
        {
            await _playout.WriteAsync(pcm, linked.Token);
            return;
        }

        var output = new short[_resampler.MaxOutputFor(pcm.Length)];
        var written = _resampler.Process(pcm, output);
        await _playout.WriteAsync(output.AsMemory(0, written), linked.Token);
    }

    private void ResetResampler()
    {
        if (_resampler is { } old)
        {
            _resampler = new SoxrResampler(old.InputRate, old.OutputRate);
            old.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopped.CancelAsync();
        await _writer.ContinueWith(_ => { }, TaskScheduler.Default);
        _resampler?.Dispose();
        _generation.Dispose();
        _stopped.Dispose();
        _available.Dispose();
    }

    private sealed record Item(byte[]? Audio, string? Mark);
}
