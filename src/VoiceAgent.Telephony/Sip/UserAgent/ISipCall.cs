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
}
