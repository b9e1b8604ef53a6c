using System.Net;
using System.Net.Sockets;
using VoiceAgent.Host.Configuration;
using VoiceAgent.Host.Speech;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Telephony.Codecs;
using VoiceAgent.Telephony.Media;

namespace VoiceAgent.Host.Calls;

/// <summary>
/// Places a synthetic call per configured codec through the real media path before the host reports
/// ready, so the first caller is paced like the hundredth: each codec's stream speaks one short
/// utterance through a <see cref="CallSpeaker"/> (pipeline, resampler to the codec rate, playout
/// buffer), the media clock sends it (encoder, packetizer, socket), and a loopback peer echoes every
/// packet back (receiver, jitter buffer, decoder, voice activity detector). Without it the first
/// call's clock thread compiled that code between ticks: <c>bench firstcall 3</c> (one Opus call
/// right after ready, tshark on lo) measured a gap p99 of 1.2-9.5 ms and gaps up to 18 ms late.
/// The streams use ephemeral loopback ports, not Rtp:PortMin-PortMax, so no call's port is taken.
/// What it warms is the process's compiled code: a second host in the same process (tests) skips it.
/// </summary>
internal sealed class MediaWarmupService(
    VoiceAgentSettings settings, MediaClock clock, RtpReception reception, SpeechPipeline pipeline, VoiceDirectory voices, ReadinessState readiness, ILogger<MediaWarmupService> logger) : IHostedService
{
    /// <summary>About a second of speech (50 ticks and more: past the JIT's 30 calls per method), short enough for start-up.</summary>
    private const string Phrase = "One moment, please.";

    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(15);

    private static int _warmed;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _warmed) == 1)
        {
            readiness.MarkMediaReady();
            return;
        }

        var started = TimeProvider.System.GetTimestamp();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(Limit);
        try
        {
            await Task.WhenAll(settings.Media.Codecs.Select(codec => CallAsync(codec, limit.Token)));
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or InvalidOperationException or DllNotFoundException or ArgumentException)
        {
            // Not a reason to refuse calls: a codec that cannot even start fails its calls with its own error.
            HostLog.MediaWarmupFailed(logger, ex.Message);
        }

        Volatile.Write(ref _warmed, 1);
        readiness.MarkMediaReady();
        HostLog.MediaWarmedUp(logger, string.Join(",", settings.Media.Codecs.Select(c => c.Name)), TimeProvider.System.GetElapsedTime(started).TotalMilliseconds);
    }

    private async Task CallAsync(AudioCodecDescriptor codec, CancellationToken cancellationToken)
    {
        using var peer = Loopback();
        var socket = Loopback();
        var encoder = AudioCodecs.CreateEncoder(codec.Name, null, settings.Media.Opus);
        var format = new RtpStreamFormat(encoder, codec.StaticPayloadType ?? 96, 101, codec.Name == "opus" ? 48000 : 8000, AudioCodecs.CreateDecoder(codec.Name));
        await using var stream = new RtpStream(socket, format, (IPEndPoint)peer.LocalEndPoint!);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var echo = EchoAsync(peer, (IPEndPoint)socket.LocalEndPoint!, stop.Token);
        var record = new CallRecord($"warm-up-{codec.Name}", $"warm-up-{codec.Name}", "warm-up", "warm-up", "inbound", DateTimeOffset.UtcNow);
        await using var session = pipeline.CreateSession(record.Id, voices.Create());
        var speaker = new CallSpeaker(session, stream, record, logger);
        stream.Start(reception.Receiver);
        stream.ConfirmPeer(); // the peer is our own loopback socket: without it the stream sends nothing (no media before a confirmed peer)
        clock.Register(stream);
        try
        {
            await speaker.SayAsync(Phrase, cancellationToken);
        }
        finally
        {
            clock.Unregister(stream);
            await stop.CancelAsync();
        }

        // The path is warm only if packets really went out and came back (a stream sends nothing to an unconfirmed peer).
        if (await echo == 0)
        {
            HostLog.MediaWarmupFailed(logger, $"{codec.Name}: no RTP packet came back from the loopback peer");
        }
    }

    private static Socket Loopback()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    /// <summary>The synthetic caller: sends every packet back, so the receive path runs as in a call.</summary>
    private static async Task<int> EchoAsync(Socket peer, IPEndPoint stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[1500];
        var echoed = 0;
        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        try
        {
            while (true)
            {
                var received = await peer.ReceiveFromAsync(buffer, SocketFlags.None, from, cancellationToken);
                await peer.SendToAsync(buffer.AsMemory(0, received.ReceivedBytes), SocketFlags.None, stream, cancellationToken);
                echoed++;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException)
        {
        }

        return echoed;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
