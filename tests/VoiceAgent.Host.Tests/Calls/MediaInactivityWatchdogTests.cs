using System.Net;
using System.Net.Sockets;
using VoiceAgent.Host.Calls;
using VoiceAgent.Telephony.Codecs;
using VoiceAgent.Telephony.Media;
using VoiceAgent.Telephony.Rtp;

namespace VoiceAgent.Host.Tests.Calls;

public sealed class MediaInactivityWatchdogTests
{
    [Fact]
    public async Task A_peer_that_sends_no_rtp_is_hung_up_after_the_timeout_and_one_that_talks_is_not()
    {
        // As the host does: socket receive loops must not wait for the pool's thread injection on a loaded runner.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 16), io);
        var ports = new RtpPortAllocator(IPAddress.Loopback, 47000, 47100);
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var reception = new RtpReception(); // the host's receiver; stopped after the streams
        await using var silent = new RtpStream(ports.Allocate(), new RtpStreamFormat(G711MuLawCodec.Instance, 0, 101), (IPEndPoint)peer.LocalEndPoint!, ports.Release);
        await using var talking = new RtpStream(ports.Allocate(), new RtpStreamFormat(G711MuLawCodec.Instance, 0, 101), (IPEndPoint)peer.LocalEndPoint!, ports.Release);
        silent.Start(reception.Receiver);
        talking.Start(reception.Receiver);
        using var end = new CancellationTokenSource(TimeSpan.FromSeconds(4));
        var silentTimedOut = new TaskCompletionSource();
        var talkingTimedOut = false;

        var watchSilent = MediaInactivityWatchdog.RunAsync(silent, TimeSpan.FromSeconds(1), () => { silentTimedOut.TrySetResult(); return Task.CompletedTask; }, TimeProvider.System, end.Token);
        var watchTalking = MediaInactivityWatchdog.RunAsync(talking, TimeSpan.FromSeconds(1), () => { talkingTimedOut = true; return Task.CompletedTask; }, TimeProvider.System, end.Token);
        var packet = new byte[172];
        new RtpHeader(false, 0, 1, 160, 0x1234).Write(packet);
        while (!end.IsCancellationRequested)
        {
            await peer.SendToAsync(packet, SocketFlags.None, new IPEndPoint(IPAddress.Loopback, talking.LocalPort));
            await Task.Delay(20);
        }

        await Task.WhenAll(watchSilent, watchTalking);
        Assert.True(silentTimedOut.Task.IsCompleted, "the silent peer was not hung up");
        Assert.False(talkingTimedOut, "the talking peer was hung up");
    }
}
