using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using VoiceAgent.Host.Tests.Infrastructure;
using Xunit.Abstractions;

namespace VoiceAgent.Host.Tests.EndToEnd.Adversarial;

/// <summary>
/// Attacks on a call's media against a real host over loopback: RTP hijack and DTMF injection
/// (the class of Asterisk's "RTP Bleed", CVE-2017-14099) and media amplification by an INVITE never
/// acknowledged. The caller is a scripted SIP peer (every packet counted); the attacker and the
/// amplification victim sit on other 127.x addresses.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed partial class MediaAdversarialTests(ITestOutputHelper output)
{
    private static readonly IPAddress AttackerAddress = IPAddress.Parse("127.0.0.77");
    private static readonly IPAddress VictimAddress = IPAddress.Parse("127.0.0.88");

    [Fact]
    public async Task Spoofed_rtp_and_an_injected_hash_key_neither_take_the_call_audio_nor_hang_up_the_caller()
    {
        await using var host = await RunningHost.StartAsync();
        using var caller = new ScriptedCaller(IPAddress.Loopback, IPAddress.Loopback);
        using var attacker = new PacketCounter(new IPEndPoint(AttackerAddress, 0));
        using var callerMedia = new PacketCounter(caller.Rtp);

        var answer = await caller.InviteAsync(host.SipEndPoint, TimeSpan.FromSeconds(10));
        var hostRtp = new IPEndPoint(IPAddress.Loopback, answer.MediaPort);

        // The probe's attack: one spoofed packet between the 200 OK and the caller's first packet.
        await attacker.SendAsync(Rtp(payloadType: 0, sequence: 1, timestamp: 160, ssrc: 0xBADBAD, marker: true), hostRtp);
        await caller.AckAsync(answer);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(6));
        var talking = caller.TalkAsync(hostRtp, TimeSpan.FromSeconds(5), stop.Token);
        await Task.Delay(1000);

        // Then a burst in the caller's own SSRC and sequence (as if the attacker could see them): audio, then '#'.
        var spoofed = 1;
        var (sequence, timestamp) = caller.Position;
        for (var i = 0; i < 50; i++)
        {
            await attacker.SendAsync(Rtp(0, (ushort)(sequence + 1000 + i), timestamp + (uint)(i * 160), ScriptedCaller.Ssrc), hostRtp);
            spoofed++;
        }

        for (var i = 0; i < 4; i++)
        {
            var hash = Rtp(101, (ushort)(sequence + 1050 + i), timestamp + 8000, ScriptedCaller.Ssrc, marker: i == 0, payloadLength: 4);
            hash[12] = 11; // '#'
            hash[13] = (byte)(i == 0 ? 0x0A : 0x8A); // end bit on the last three (RFC 4733 §2.5.1.4)
            BinaryPrimitives.WriteUInt16BigEndian(hash.AsSpan(14), 800);
            await attacker.SendAsync(hash, hostRtp);
            spoofed++;
        }

        // And RTCP receiver reports (RFC 3550 §6.4.2, no report block) on the RTCP port: they must not count as the peer's.
        var report = new byte[8];
        report[0] = 0x80;
        report[1] = 201;
        report[3] = 1;
        BinaryPrimitives.WriteUInt32BigEndian(report.AsSpan(4), ScriptedCaller.Ssrc);
        for (var i = 0; i < 5; i++)
        {
            await attacker.SendAsync(report, new IPEndPoint(IPAddress.Loopback, answer.MediaPort + 1));
        }

        await talking.WaitAsync(TimeSpan.FromSeconds(10));
        await Task.Delay(300); // the last spoofed packets are counted on arrival
        var call = Assert.Single(await host.GetCallsAsync());
        output.WriteLine($"attacker sent {spoofed}, received {attacker.Received} packets from the host; caller received {callerMedia.Received}; host rejected {call.Media!.PacketsRejected}, admitted {call.Media.PacketsReceived}; RTCP reports sent {call.Media.Rtcp?.ReportsSent}, received {call.Media.Rtcp?.ReportsReceived}");

        Assert.Equal(0, attacker.Received);
        Assert.True(callerMedia.Received >= 100, $"the caller received {callerMedia.Received} packets in 5 s");
        Assert.Equal("answered", call.State);
        Assert.DoesNotContain(call.Events, e => e.Name == "dtmf");
        Assert.Equal(spoofed, call.Media.PacketsRejected);
        Assert.Equal(0, call.Media.Rtcp?.ReportsReceived ?? 0);
    }

    [Fact]
    public async Task A_scanner_spraying_audio_and_hash_keys_at_every_rtp_port_neither_hangs_up_baresip_nor_gets_its_audio()
    {
        // The attacker does not know the call's port: it sprays every even port of the range, in sequence, as an RTP Bleed scanner does.
        var (min, max) = FreePorts.UdpRange(40);
        await using var host = await RunningHost.StartAsync($"--Rtp:PortMin={min}", $"--Rtp:PortMax={max}", "--Inbound:Greeting=Hello, you have reached the test line. Please hold on while nothing happens.");
        using var phone = new BaresipPhone();
        using var attacker = new PacketCounter(new IPEndPoint(AttackerAddress, 0));
        var calling = phone.CallAsync(host.Uri(), TimeSpan.FromSeconds(8));
        await Task.Delay(2000); // the call is up and baresip's media flows

        var spoofed = 0;
        for (var round = 0; round < 150; round++) // 3 s, every 20 ms
        {
            for (var port = min + (min & 1); port <= max; port += 2)
            {
                var sequence = (ushort)(1000 + round);
                var packet = round % 10 < 6
                    ? Rtp(0, sequence, (uint)(round * 160), 0xBADBAD)
                    : Rtp(101, sequence, 80_000 + (uint)(round / 10 * 1600), 0xBADBAD, marker: round % 10 == 6, payloadLength: 4);
                if (packet.Length == 16)
                {
                    packet[12] = 11; // '#'
                    packet[13] = (byte)(round % 10 == 6 ? 0x0A : 0x8A);
                    BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(14), 800);
                }

                await attacker.SendAsync(packet, new IPEndPoint(IPAddress.Loopback, port));
                spoofed++;
            }

            await Task.Delay(20);
        }

        var result = await calling.WaitAsync(TimeSpan.FromSeconds(20));
        var call = await host.WaitForCallAsync(c => c.State == "ended", TimeSpan.FromSeconds(5));
        output.WriteLine($"scanner sent {spoofed} packets to {(max - min) / 2 + 1} ports, received {attacker.Received}; the call rejected {call.Media!.PacketsRejected}, admitted {call.Media.PacketsReceived}, sent {call.Media.PacketsSent}; ended {call.EndReason} after {result.Elapsed.TotalSeconds:F1} s");

        Assert.True(result.Heard is not null, "baresip recorded nothing: no call was established.\n" + result.Output);
        Assert.Equal(0, attacker.Received);
        Assert.DoesNotContain(call.Events, e => e.Name == "dtmf");
        Assert.NotEqual("local-hangup", call.EndReason); // baresip hung up at its -t limit; the host never did
        Assert.True(call.Media.PacketsRejected >= 150, $"{call.Media.PacketsRejected} packets rejected by the call");
        Assert.True(AudioAnalysis.SpeechSeconds(result.Heard!, TimeSpan.Zero, TimeSpan.FromSeconds(7)) > 1.0, "baresip heard too little of the greeting");
    }

    [Fact]
    public async Task A_caller_behind_nat_is_learned_after_four_in_sequence_packets_and_gets_the_call_audio()
    {
        // Its SDP names a private address (127.0.0.99 here, where nobody listens); its packets come from its NAT mapping.
        await using var host = await RunningHost.StartAsync();
        using var privateAddress = new PacketCounter(new IPEndPoint(IPAddress.Parse("127.0.0.99"), 0));
        using var caller = new ScriptedCaller(IPAddress.Loopback, IPAddress.Parse("127.0.0.99"), privateAddress.EndPoint.Port);
        using var callerMedia = new PacketCounter(caller.Rtp);

        var answer = await caller.InviteAsync(host.SipEndPoint, TimeSpan.FromSeconds(10));
        await caller.AckAsync(answer);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await caller.TalkAsync(new IPEndPoint(IPAddress.Loopback, answer.MediaPort), TimeSpan.FromSeconds(3), stop.Token).WaitAsync(TimeSpan.FromSeconds(10));
        await Task.Delay(300);
        var call = Assert.Single(await host.GetCallsAsync());
        output.WriteLine($"caller received {callerMedia.Received} packets at its NAT address, {privateAddress.Received} went to its SDP address before learning; host rejected {call.Media!.PacketsRejected}, admitted {call.Media.PacketsReceived}");

        Assert.True(callerMedia.Received >= 100, $"the caller received {callerMedia.Received} packets in 3 s");
        Assert.Equal(3, call.Media.PacketsRejected); // the probation: the 4th in-sequence packet is admitted
        Assert.Equal("answered", call.State);
    }

    [Fact]
    public async Task An_invite_never_acknowledged_sends_no_rtp_or_rtcp_to_the_address_its_sdp_names()
    {
        // The inactivity timeout (30 s) would end the call just before the ACK timeout: off, so the whole window is watched.
        await using var host = await RunningHost.StartAsync("--Rtp:InactivityTimeoutSeconds=0");
        using var victim = new PacketCounter(new IPEndPoint(VictimAddress, 0));
        using var victimRtcp = new PacketCounter(new IPEndPoint(VictimAddress, victim.EndPoint.Port + 1));
        using var caller = new ScriptedCaller(IPAddress.Loopback, VictimAddress, victim.EndPoint.Port);

        var answer = await caller.InviteAsync(host.SipEndPoint, TimeSpan.FromSeconds(10));
        Assert.True(answer.MediaPort > 0, "the host answered 200 OK with SDP");
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(50));
        var byes = caller.AnswerByesAsync(stop.Token); // the host's BYE after the ACK timeout gets its 200, so the call ends then

        // RFC 3261 §13.3.1.4: 200 OK retransmitted for 64*T1 (32 s), then the call ends; RTCP would have reported every ~5 s.
        var call = await host.WaitForCallAsync(c => c.State == "ended", TimeSpan.FromSeconds(45));
        await stop.CancelAsync();
        await byes.WaitAsync(TimeSpan.FromSeconds(5));
        await Task.Delay(500);
        output.WriteLine($"victim received {victim.Received} RTP and {victimRtcp.Received} RTCP packets; call ended {call.EndReason} after {(call.EndedAt - call.StartedAt)?.TotalSeconds:F1} s");

        Assert.Equal("ack-timeout", call.EndReason);
        Assert.Equal(0, victim.Received);
        Assert.Equal(0, victimRtcp.Received);
    }

    /// <summary>An RTP packet of <paramref name="payloadLength"/> bytes (μ-law silence unless overwritten).</summary>
    private static byte[] Rtp(byte payloadType, ushort sequence, uint timestamp, uint ssrc, bool marker = false, int payloadLength = 160)
    {
        var packet = new byte[12 + payloadLength];
        Array.Fill(packet, (byte)0xFF, 12, payloadLength);
        packet[0] = 0x80;
        packet[1] = (byte)((marker ? 0x80 : 0) | payloadType);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), sequence);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), ssrc);
        return packet;
    }

    /// <summary>A UDP socket that counts what it receives until disposed.</summary>
    private sealed class PacketCounter : IDisposable
    {
        private readonly Socket _socket;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private int _received;

        public PacketCounter(IPEndPoint bind)
        {
            _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            _socket.Bind(bind);
            _loop = Task.Run(CountAsync);
        }

        public PacketCounter(Socket bound)
        {
            _socket = bound;
            _loop = Task.Run(CountAsync);
        }

        public IPEndPoint EndPoint => (IPEndPoint)_socket.LocalEndPoint!;

        public int Received => Volatile.Read(ref _received);

        public Task<int> SendAsync(byte[] datagram, IPEndPoint to) => _socket.SendToAsync(datagram, SocketFlags.None, to);

        private async Task CountAsync()
        {
            var buffer = new byte[2048];
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    await _socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                    Interlocked.Increment(ref _received);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (SocketException)
                {
                    // ICMP port unreachable from an earlier send; keep counting.
                }
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _loop.Wait(TimeSpan.FromSeconds(2));
            _socket.Dispose();
            _stop.Dispose();
        }
    }

    /// <summary>
    /// A SIP caller over UDP that offers PCMU and telephone-event at a media address of the test's
    /// choice, and a PCMU talker on its RTP socket: every packet it gets and sends is the test's.
    /// </summary>
    private sealed partial class ScriptedCaller : IDisposable
    {
        public const uint Ssrc = 0x5EED1234;
        private readonly Socket _sip = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        private readonly IPAddress _mediaAddress;
        private readonly int _mediaPort;
        private readonly string _callId = Guid.NewGuid().ToString("N") + "@127.0.0.1";
        private int _sequence;
        private int _timestamp;

        /// <param name="mediaPort">The SDP's port; 0: <see cref="Rtp"/>'s own.</param>
        public ScriptedCaller(IPAddress sipAddress, IPAddress mediaAddress, int mediaPort = 0)
        {
            _sip.Bind(new IPEndPoint(sipAddress, 0));
            Rtp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _mediaAddress = mediaAddress;
            _mediaPort = mediaPort == 0 ? ((IPEndPoint)Rtp.LocalEndPoint!).Port : mediaPort;
        }

        /// <summary>The caller's RTP socket (also the SDP address when none was given).</summary>
        public Socket Rtp { get; } = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

        /// <summary>The next sequence number and timestamp the talker would send.</summary>
        public (ushort Sequence, uint Timestamp) Position => ((ushort)Volatile.Read(ref _sequence), (uint)Volatile.Read(ref _timestamp));

        private string Local => ((IPEndPoint)_sip.LocalEndPoint!).ToString();

        /// <summary>Sends the INVITE and returns the host's 200 OK (not acknowledged).</summary>
        public async Task<Answer> InviteAsync(IPEndPoint host, TimeSpan timeout)
        {
            var sdp = $"v=0\r\no=- 1 1 IN IP4 {_mediaAddress}\r\ns=-\r\nc=IN IP4 {_mediaAddress}\r\nt=0 0\r\n"
                + $"m=audio {_mediaPort} RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=sendrecv\r\n";
            var invite = $"INVITE sip:bot@{host} SIP/2.0\r\nVia: SIP/2.0/UDP {Local};branch=z9hG4bK-{Guid.NewGuid():N};rport\r\nMax-Forwards: 70\r\n"
                + $"From: <sip:caller@127.0.0.1>;tag=c1\r\nTo: <sip:bot@{host}>\r\nCall-ID: {_callId}\r\nCSeq: 1 INVITE\r\n"
                + $"Contact: <sip:caller@{Local}>\r\nContent-Type: application/sdp\r\nContent-Length: {Encoding.UTF8.GetByteCount(sdp)}\r\n\r\n{sdp}";
            await _sip.SendToAsync(Encoding.UTF8.GetBytes(invite), SocketFlags.None, host);
            using var deadline = new CancellationTokenSource(timeout);
            var buffer = new byte[8192];
            while (true)
            {
                var received = await _sip.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), deadline.Token);
                var text = Encoding.UTF8.GetString(buffer, 0, received.ReceivedBytes);
                if (text.StartsWith("SIP/2.0 200", StringComparison.Ordinal))
                {
                    return new Answer(
                        text,
                        ToTag().Match(text).Groups[1].Value,
                        ContactUri().Match(text).Groups[1].Value,
                        int.Parse(AudioPort().Match(text).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
                        (IPEndPoint)received.RemoteEndPoint);
                }

                Assert.True(text.StartsWith("SIP/2.0 1", StringComparison.Ordinal), $"unexpected answer to the INVITE: {text.Split('\r')[0]}");
            }
        }

        public async Task AckAsync(Answer answer)
        {
            var ack = $"ACK {answer.Contact} SIP/2.0\r\nVia: SIP/2.0/UDP {Local};branch=z9hG4bK-{Guid.NewGuid():N};rport\r\nMax-Forwards: 70\r\n"
                + $"From: <sip:caller@127.0.0.1>;tag=c1\r\nTo: <sip:bot@{answer.From}>;tag={answer.ToTag}\r\nCall-ID: {_callId}\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n";
            await _sip.SendToAsync(Encoding.UTF8.GetBytes(ack), SocketFlags.None, answer.From);
        }

        /// <summary>Answers every BYE with 200 OK until cancelled.</summary>
        public async Task AnswerByesAsync(CancellationToken cancellationToken)
        {
            var buffer = new byte[8192];
            while (!cancellationToken.IsCancellationRequested)
            {
                SocketReceiveFromResult received;
                try
                {
                    received = await _sip.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                var text = Encoding.UTF8.GetString(buffer, 0, received.ReceivedBytes);
                if (!text.StartsWith("BYE ", StringComparison.Ordinal))
                {
                    continue; // 200 OK retransmissions: never acknowledged
                }

                var headers = string.Concat(text.Split("\r\n").Where(l => l.StartsWith("Via:", StringComparison.OrdinalIgnoreCase)
                    || l.StartsWith("From:", StringComparison.OrdinalIgnoreCase) || l.StartsWith("To:", StringComparison.OrdinalIgnoreCase)
                    || l.StartsWith("Call-ID:", StringComparison.OrdinalIgnoreCase) || l.StartsWith("CSeq:", StringComparison.OrdinalIgnoreCase)).Select(l => l + "\r\n"));
                await _sip.SendToAsync(Encoding.UTF8.GetBytes($"SIP/2.0 200 OK\r\n{headers}Content-Length: 0\r\n\r\n"), SocketFlags.None, received.RemoteEndPoint, CancellationToken.None);
            }
        }

        /// <summary>PCMU silence every 20 ms from the RTP socket, as a phone sends it, for <paramref name="duration"/>.</summary>
        public async Task TalkAsync(IPEndPoint to, TimeSpan duration, CancellationToken cancellationToken)
        {
            var end = DateTime.UtcNow + duration;
            while (DateTime.UtcNow < end && !cancellationToken.IsCancellationRequested)
            {
                var sequence = Interlocked.Increment(ref _sequence) - 1;
                var timestamp = Interlocked.Add(ref _timestamp, 160) - 160;
                await Rtp.SendToAsync(MediaAdversarialTests.Rtp(0, (ushort)sequence, (uint)timestamp, Ssrc, marker: sequence == 0), SocketFlags.None, to, cancellationToken);
                await Task.Delay(20, cancellationToken);
            }
        }

        public void Dispose()
        {
            _sip.Dispose();
            Rtp.Dispose();
        }

        [GeneratedRegex(@"\r\nTo:[^\r]*;tag=([^;\r]+)", RegexOptions.IgnoreCase)]
        private static partial Regex ToTag();

        [GeneratedRegex(@"\r\nContact:\s*<([^>]+)>", RegexOptions.IgnoreCase)]
        private static partial Regex ContactUri();

        [GeneratedRegex(@"m=audio (\d+)")]
        private static partial Regex AudioPort();
    }

    private sealed record Answer(string Text, string ToTag, string Contact, int MediaPort, IPEndPoint From);
}
