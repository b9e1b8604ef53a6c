using System.Diagnostics;
using VoiceAgent.Telephony.Media;

namespace VoiceAgent.Host.Calls;

/// <summary>
/// Hangs up a call whose peer stopped sending RTP (a phone that lost its network, a crashed PBX):
/// without a BYE such a call would hold its port, its TTS session and a concurrent-call slot forever.
/// </summary>
internal static class MediaInactivityWatchdog
{
    public static async Task RunAsync(RtpStream stream, TimeSpan timeout, Func<Task> onTimeout, TimeProvider time, CancellationToken callEnded)
    {
        if (timeout <= TimeSpan.Zero)
        {
            return;
        }

        var started = Stopwatch.GetTimestamp();
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Min(1000, timeout.TotalMilliseconds / 2)), time);
        try
        {
            while (await timer.WaitForNextTickAsync(callEnded))
            {
                var last = stream.LastReceivedTimestamp;
                if (Stopwatch.GetElapsedTime(last == 0 ? started : last) > timeout)
                {
                    await onTimeout();
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (callEnded.IsCancellationRequested)
        {
        }
    }
}
