using System.Diagnostics;
using System.Globalization;

namespace VoiceAgent.Host.Tests.Infrastructure;

/// <summary>tshark on the loopback interface, decoding one UDP port as RTP: what really left the host.</summary>
internal sealed class RtpCapture : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<CapturedRtpPacket> _packets = [];
    private readonly TaskCompletionSource _capturing = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RtpCapture(Process process) => _process = process;

    /// <summary>Starts capturing packets sent from <paramref name="sourcePort"/>; returns once tshark listens.</summary>
    public static async Task<RtpCapture> StartAsync(int sourcePort)
    {
        RequiredTool.Find("tshark", "tshark");
        var start = new ProcessStartInfo("tshark") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[]
        {
            "-i", "lo", "-l", "-f", $"udp src port {sourcePort}", "-d", $"udp.port=={sourcePort},rtp",
            "-T", "fields", "-E", "separator=,", "-e", "frame.time_epoch", "-e", "rtp.seq", "-e", "rtp.timestamp", "-e", "rtp.marker", "-e", "rtp.ssrc", "-e", "rtp.p_type",
        })
        {
            start.ArgumentList.Add(arg);
        }

        var capture = new RtpCapture(Process.Start(start) ?? throw new InvalidOperationException("tshark did not start"));
        capture._process.OutputDataReceived += (_, e) => capture.OnLine(e.Data);
        capture._process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("Capturing on", StringComparison.Ordinal) == true)
            {
                capture._capturing.TrySetResult();
            }
        };
        capture._process.BeginOutputReadLine();
        capture._process.BeginErrorReadLine();
        await capture._capturing.Task.WaitAsync(TimeSpan.FromSeconds(15));
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
        if (!_process.HasExited)
        {
            // SIGINT lets tshark flush; fall back to kill.
            using var kill = Process.Start("kill", ["-INT", _process.Id.ToString(CultureInfo.InvariantCulture)]);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill();
            }
        }

        _process.Dispose();
    }
}

/// <summary>One RTP packet as tshark decoded it.</summary>
internal sealed record CapturedRtpPacket(double Time, int Sequence, uint Timestamp, bool Marker, string Ssrc, int PayloadType);
