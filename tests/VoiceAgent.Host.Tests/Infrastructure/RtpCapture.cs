using System.Globalization;

namespace VoiceAgent.Host.Tests.Infrastructure;

/// <summary>tshark on the loopback interface, decoding one UDP port as RTP: what really left the host.</summary>
internal sealed class RtpCapture : IAsyncDisposable
{
    private readonly List<CapturedRtpPacket> _packets = [];
    private TsharkProcess? _tshark;

    private RtpCapture()
    {
    }

    /// <summary>Starts capturing packets sent from <paramref name="sourcePort"/>; returns once tshark listens.</summary>
    public static async Task<RtpCapture> StartAsync(int sourcePort)
    {
        var capture = new RtpCapture();
        capture._tshark = await TsharkProcess.StartAsync(
            [
                "-f", $"udp src port {sourcePort}", "-d", $"udp.port=={sourcePort},rtp",
                "-T", "fields", "-E", "separator=,", "-e", "frame.time_epoch", "-e", "rtp.seq", "-e", "rtp.timestamp", "-e", "rtp.marker", "-e", "rtp.ssrc", "-e", "rtp.p_type",
            ],
            capture.OnLine);
        return capture;
    }

    public IReadOnlyList<CapturedRtpPacket> Packets
    {
        get
        {
            lock (_packets)
            {
                return [.. _packets];
            }
        }
    }

    private void OnLine(string? line)
    {
        var f = line?.Split(',');
        if (f is not { Length: >= 6 } || f[1].Length == 0)
        {
            return;
        }

        var packet = new CapturedRtpPacket(
            double.Parse(f[0], CultureInfo.InvariantCulture),
            int.Parse(f[1], CultureInfo.InvariantCulture),
            uint.Parse(f[2], CultureInfo.InvariantCulture),
            f[3] is "1" or "True",
            f[4],
            int.Parse(f[5], CultureInfo.InvariantCulture));
        lock (_packets)
        {
            _packets.Add(packet);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_tshark is not null)
        {
            await _tshark.DisposeAsync();
        }
    }
}

/// <summary>One RTP packet as tshark decoded it.</summary>
internal sealed record CapturedRtpPacket(double Time, int Sequence, uint Timestamp, bool Marker, string Ssrc, int PayloadType);
