using System.Globalization;
using VoiceAgent.Telephony.Sip.Messages;

namespace VoiceAgent.Telephony.Sip.UserAgent;

/// <summary>
/// A session timer (RFC 4028): the session lives <see cref="Interval"/> after its last refresh. When
/// we are the refresher we refresh at half the interval (§10: UPDATE, or re-INVITE when the peer does
/// not allow UPDATE); when the peer is, a session not refreshed by the expiry minus min(32 s, a third)
/// is ended with BYE (§10), which frees a call whose peer vanished without a BYE.
/// </summary>
internal sealed class SessionTimer
{
    public const int MinimumSeconds = 90;
    public const int DefaultSeconds = 1800;
    private long _lastRefresh;
    private readonly TimeProvider _time;

    public SessionTimer(TimeSpan interval, bool weRefresh, TimeProvider time)
    {
        Interval = interval;
        WeRefresh = weRefresh;
        _time = time;
        _lastRefresh = time.GetTimestamp();
    }

    public TimeSpan Interval { get; }

    public bool WeRefresh { get; }

    /// <summary>The peer's role name in Session-Expires' refresher parameter, as the UAS/UAC roles are fixed at dialog creation.</summary>
    public void Refreshed() => Volatile.Write(ref _lastRefresh, _time.GetTimestamp());

    public TimeSpan SinceRefresh => _time.GetElapsedTime(Volatile.Read(ref _lastRefresh));

    /// <summary>When the peer refreshes: how long without a refresh ends the session (§10).</summary>
    public TimeSpan ExpiryWithoutRefresh => Interval - TimeSpan.FromSeconds(Math.Min(32, Interval.TotalSeconds / 3));

    /// <summary>Parses <c>Session-Expires: 1800;refresher=uac</c>.</summary>
    public static bool TryParse(string? header, out int seconds, out string? refresher)
    {
        seconds = 0;
        refresher = null;
        if (string.IsNullOrWhiteSpace(header))
        {
            return false;
        }

        var parts = header.Split(';', StringSplitOptions.TrimEntries);
        if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out seconds) || seconds <= 0)
        {
            return false;
        }

        foreach (var part in parts.Skip(1))
        {
            if (part.StartsWith("refresher=", StringComparison.OrdinalIgnoreCase))
            {
                refresher = part["refresher=".Length..].ToLowerInvariant();
            }
        }

        return true;
    }

    public static bool SupportsTimer(SipMessage message)
        => message.Headers.GetAll(SipHeaderNames.Supported).Concat(message.Headers.GetAll(SipHeaderNames.Require))
            .SelectMany(SipHeaderValueSplitter.Split).Any(o => o.Trim().Equals("timer", StringComparison.OrdinalIgnoreCase));
}
