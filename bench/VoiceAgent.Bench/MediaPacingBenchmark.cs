using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using VoiceAgent.Telephony.Codecs;
using VoiceAgent.Telephony.Media;
using VoiceAgent.Telephony.Rtp;
using VoiceAgent.Tts;
using VoiceAgent.Tts.Engines;
using VoiceAgent.Tts.Engines.Espeak;

namespace VoiceAgent.Bench;

/// <summary>
/// Media-path load: N calls streaming speech through one shared media clock to a loopback sink,
/// while the espeak engine synthesizes continuously. Reports each packet's departure deviation from
/// its RTP timestamp's place on the timeline (p50/p99: what a receiver's playout sees as jitter;
/// talkspurt re-phasing moves the timestamps with the time, so it is not counted) and CPU per call.
/// Usage: dotnet run -c Release --project bench/VoiceAgent.Bench -- media [seconds=10] [opusComplexity=2] [rows, e.g. PCMU:300,opus:150]
/// </summary>
internal static class MediaPacingBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
        var complexity = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 2;
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 16), io);
        await using var engine = new EspeakEngine();
        await engine.InitializeAsync(CancellationToken.None);
        var speech = await SynthesizeAsync(engine, "Thank you for calling. Your appointment is confirmed for Tuesday at three thirty in the afternoon.");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores; {seconds} s per run; speech loop {speech.Length / 22050.0:F1} s; Opus complexity {complexity}");
        Console.WriteLine("codec  calls  p50 dev ms  p99 dev ms  max dev ms  p50 late  p99 late  max late  CPU ms/s per call  CPU % of one core (all calls)");
        (string Codec, int Calls)[] rows = args.Length > 3
            ? [.. args[3].Split(',').Select(r => r.Split(':')).Select(r => (r[0], int.Parse(r[1], CultureInfo.InvariantCulture)))]
            : [("PCMU", 1), ("PCMU", 100), ("PCMU", 300), ("opus", 1), ("opus", 150)];
        foreach (var (codec, calls) in rows)
        {
            await RunOnceAsync(engine, speech, codec, calls, TimeSpan.FromSeconds(seconds), complexity);
        }

        return 0;
    }

    private static async Task RunOnceAsync(EspeakEngine engine, short[] speech22k, string codec, int calls, TimeSpan duration, int complexity)
    {
        using var sink = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 8 << 20 };
        sink.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var stop = new CancellationTokenSource();
        var draining = Task.Run(() => Drain(sink, stop.Token));
        var ports = new RtpPortAllocator(IPAddress.Loopback, 40000, 40000 + (calls * 2) + 200);
        await using var clock = new MediaClock(Environment.ProcessorCount);
        var streams = new List<RtpStream>();
        var probes = new List<DepartureProbe>();
        var feeders = new List<Task>();
        for (var i = 0; i < calls; i++)
        {
            var encoder = AudioCodecs.CreateEncoder(codec, null, new OpusEncoderSettings { Complexity = complexity });
            var stream = new RtpStream(ports.Allocate(), new RtpStreamFormat(encoder, codec == "opus" ? 111 : 0, 101), (IPEndPoint)sink.LocalEndPoint!, ports.Release);
            stream.ConfirmPeer(); // as the host does on the ACK
            var pcm = Resample(speech22k, 22050, encoder.SampleRate);
            streams.Add(stream);
            var probe = new DepartureProbe(stream);
            probes.Add(probe);
            feeders.Add(Task.Run(() => FeedAsync(stream, pcm, stop.Token)));
        }

        await Task.Delay(200);
        foreach (var probe in probes)
        {
            clock.Register(probe);
        }

        var synthesizing = Task.Run(() => SynthesizeContinuouslyAsync(engine, stop.Token));
        await Task.Delay(TimeSpan.FromSeconds(1)); // settle
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var lateTicksBefore = clock.LateTicks;
        var gcBefore = GcCounts.Now();
        foreach (var probe in probes)
        {
            probe.StartMeasuring();
        }

        var wall = Stopwatch.StartNew();
        await Task.Delay(duration);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var gc = GcCounts.Now() - gcBefore;
        var elapsed = wall.Elapsed;
        foreach (var probe in probes)
        {
            probe.StopMeasuring();
            clock.Unregister(probe);
        }

        await stop.CancelAsync();
        await Task.WhenAll(feeders.Select(f => f.ContinueWith(_ => { }, TaskScheduler.Default)));
        await synthesizing.ContinueWith(_ => { }, TaskScheduler.Default);
        foreach (var stream in streams)
        {
            await stream.DisposeAsync();
        }

        sink.Close();
        await draining.ContinueWith(_ => { }, TaskScheduler.Default);

        var deviations = probes.SelectMany(p => p.Deviations).Select(Math.Abs).Order().ToList();
        var lateness = probes.SelectMany(p => p.Lateness).Order().ToList();
        var rephases = probes.Sum(p => p.Rephases);
        var cpuPerCall = cpu.TotalMilliseconds / elapsed.TotalSeconds / calls;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{codec,-5}  {calls,5}  {P(deviations, 0.50),10:F3}  {P(deviations, 0.99),10:F3}  {deviations[^1],10:F3}  {P(lateness, 0.50),9:F3}  {P(lateness, 0.99),9:F3}  {lateness[^1],9:F3}  {cpuPerCall,17:F2}  {cpu.TotalMilliseconds / elapsed.TotalMilliseconds * 100,8:F1}  re-anchored {rephases}  clock {clock.Scheduling}, late ticks {clock.LateTicks - lateTicksBefore}, demoted ticks {clock.Demotions}  {gc}"));
    }

    private static double P(List<double> sorted, double p) => sorted.Count == 0 ? double.NaN : sorted[(int)Math.Min(sorted.Count - 1, Math.Round(p * (sorted.Count - 1)))];

    private static async Task FeedAsync(RtpStream stream, short[] pcm, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await stream.Playout.WriteAsync(pcm, cancellationToken);
        }
    }

    private static async Task SynthesizeContinuouslyAsync(EspeakEngine engine, CancellationToken cancellationToken)
    {
        var voice = new VoiceProfile("espeak", "en-us");
        var chunk = new TokenChunk(0, "The quick brown fox jumps over the lazy dog while the engine keeps speaking.", null, ReadOnlyMemory<long>.Empty, true);
        while (!cancellationToken.IsCancellationRequested)
        {
            await engine.GenerateAsync([new GenerationRequest(chunk, voice)], cancellationToken);
        }
    }

    private static async Task<short[]> SynthesizeAsync(EspeakEngine engine, string text)
    {
        var units = await engine.GenerateAsync([new GenerationRequest(new TokenChunk(0, text, null, ReadOnlyMemory<long>.Empty, true), new VoiceProfile("espeak", "en-us"))], CancellationToken.None);
        return units[0].Pcm!.Samples.ToArray();
    }

    private static short[] Resample(short[] input, int from, int to)
    {
        using var resampler = new SoxrResampler(from, to);
        var output = new short[resampler.MaxOutputFor(input.Length) + to];
        var written = resampler.Process(input, output);
        written += resampler.Flush(output.AsSpan(written));
        return output[..written];
    }

    private static void Drain(Socket sink, CancellationToken cancellationToken)
    {
        var buffer = new byte[2048];
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                sink.Receive(buffer);
            }
            catch (SocketException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
        }
    }

    /// <summary>Stands between the clock and a stream: notes when each packet actually left, against the stream's 20 ms grid.</summary>
    private sealed class DepartureProbe(RtpStream stream) : IMediaClockClient
    {
        private static readonly double TicksPerMs = Stopwatch.Frequency / 1000.0;
        private readonly List<double> _deviations = new(1024);
        private readonly List<int> _segmentStarts = new(16);
        private volatile bool _measuring;
        private long _gridStart;
        private uint _gridTimestamp;
        private uint _lastTimestamp;

        public int Rephases { get; private set; }
        private readonly double _samplesPerMs = stream.Encoder.ClockRate / 1000.0;

        /// <summary>Departure against the grid anchored at the first packet of each segment (both signs).</summary>
        public IReadOnlyList<double> Deviations => _deviations;

        /// <summary>
        /// Departure after the earliest one of its segment (grid anchored at the segment's best packet,
        /// so never negative): unlike <see cref="Deviations"/> it does not depend on how well its first
        /// packet was timed. A late first packet (a GC pause in the first 20 ms) shifted every other
        /// packet of its stream by the same amount in <see cref="Deviations"/>.
        /// </summary>
        public IEnumerable<double> Lateness
        {
            get
            {
                for (var s = 0; s < _segmentStarts.Count; s++)
                {
                    var end = s + 1 < _segmentStarts.Count ? _segmentStarts[s + 1] : _deviations.Count;
                    if (end <= _segmentStarts[s])
                    {
                        continue;
                    }

                    var segment = _deviations.GetRange(_segmentStarts[s], end - _segmentStarts[s]);
                    var earliest = Math.Min(0, segment.Min()); // the anchor itself sits at 0
                    foreach (var deviation in segment)
                    {
                        yield return deviation - earliest;
                    }
                }
            }
        }

        public void StartMeasuring() => _measuring = true;

        public void StopMeasuring() => _measuring = false;

        public void OnTick(long now)
        {
            var before = stream.PacketsSent;
            stream.OnTick(now);
            if (stream.PacketsSent == before)
            {
                return;
            }

            var sentAt = Stopwatch.GetTimestamp();
            if (!_measuring)
            {
                return;
            }

            // The grid is anchored at a packet and followed by timestamps (20 ms per packet). A packet
            // whose timestamp does not follow by one frame starts a new talkspurt or a re-based cadence:
            // the grid is anchored again there (counted in Rephases), so one stall is not counted forever.
            var sentTimestamp = stream.NextTimestamp - (uint)(_samplesPerMs * 20);
            if (_gridStart == 0 || sentTimestamp - _lastTimestamp != (uint)(_samplesPerMs * 20))
            {
                if (_gridStart != 0)
                {
                    Rephases++;
                }

                _gridStart = sentAt;
                _gridTimestamp = sentTimestamp;
                _lastTimestamp = sentTimestamp;
                _segmentStarts.Add(_deviations.Count);
                return;
            }

            _lastTimestamp = sentTimestamp;
            _deviations.Add(((sentAt - _gridStart) / TicksPerMs) - ((int)(sentTimestamp - _gridTimestamp) / _samplesPerMs));
        }
    }
}
