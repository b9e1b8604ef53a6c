using System.Threading.Channels;
using VoiceAgent.Telephony.Rtp;

namespace VoiceAgent.Telephony.Sip.UserAgent;

/// <summary>What the host does with an established call, whichever side placed it.</summary>
public interface ISipCall
{
    string CallId { get; }

    /// <summary>Why and when the call ended.</summary>
    Task<CallEndReason> Completion { get; }

    /// <summary>Cancelled when the call ends for any reason.</summary>
    CancellationToken Ended { get; }

    /// <summary>Keys the peer sent as SIP INFO.</summary>
    ChannelReader<DtmfDigit> InfoDigits { get; }

    /// <summary>
    /// Answers a new offer inside the dialog (re-INVITE: hold, resume, a new media address): gets the
    /// peer's SDP and returns our answer, or null to refuse it (488; the old session stays). Without
    /// a handler a re-INVITE is answered with the current session (a refresh).
    /// </summary>
    Func<string, string?>? SessionUpdateHandler { get; set; }

    /// <summary>Ends the call (BYE once established).</summary>
    Task HangupAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Blind transfer (RFC 3515): asks the peer to call <paramref name="target"/> and follows its
    /// NOTIFYs. Returns the target's final status (2xx: transferred), the REFER's error status, or 408
    /// when nothing final came within <paramref name="timeout"/>.
    /// </summary>
    Task<int> TransferAsync(string target, TimeSpan timeout, CancellationToken cancellationToken);
}
