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

    /// <summary>Ends the call (BYE once established).</summary>
    Task HangupAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Blind transfer (RFC 3515): asks the peer to call <paramref name="target"/> and follows its
    /// NOTIFYs. Returns the target's final status (2xx: transferred), the REFER's error status, or 408
    /// when nothing final came within <paramref name="timeout"/>.
    /// </summary>
    Task<int> TransferAsync(string target, TimeSpan timeout, CancellationToken cancellationToken);
}
