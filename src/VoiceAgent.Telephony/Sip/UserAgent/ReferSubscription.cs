using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using VoiceAgent.Telephony.Sip.Messages;

namespace VoiceAgent.Telephony.Sip.UserAgent;

/// <summary>
/// The implicit subscription a REFER creates (RFC 3515 §2.4.4): NOTIFYs with <c>message/sipfrag</c>
/// bodies report the transferee's call to the target ("SIP/2.0 100 Trying", "SIP/2.0 200 OK"); the
/// transfer is over at the first final status or when the subscription is terminated.
/// </summary>
internal sealed partial class ReferSubscription
{
    private readonly TaskCompletionSource<int> _final = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The target's final status as the transferee reported it.</summary>
    public Task<int> Final => _final.Task;

    public void OnNotify(SipRequest notify)
    {
        var body = Encoding.UTF8.GetString(notify.Body.Span);
        var match = StatusLine().Match(body);
        if (match.Success && int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var status) && status >= 200)
        {
            _final.TrySetResult(status);
            return;
        }

        // §2.4.5: a terminated subscription without a final sipfrag leaves the outcome unknown.
        if (notify.Headers.Get("Subscription-State")?.StartsWith("terminated", StringComparison.OrdinalIgnoreCase) == true)
        {
            _final.TrySetResult(match.Success ? 487 : 500);
        }
    }

    public void Abandon(int status) => _final.TrySetResult(status);

    [GeneratedRegex(@"^SIP/2\.0\s+(\d{3})", RegexOptions.Multiline)]
    private static partial Regex StatusLine();
}
