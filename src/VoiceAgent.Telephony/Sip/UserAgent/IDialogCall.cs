using System.Net;
using VoiceAgent.Telephony.Sip.Dialogs;

namespace VoiceAgent.Telephony.Sip.UserAgent;

/// <summary>What the user agent needs of a call inside its dialog, whichever side placed it.</summary>
internal interface IDialogCall
{
    SipDialog Dialog { get; }

    /// <summary>Where the peer's requests came from (the next hop when the dialog has no better one).</summary>
    IPEndPoint RemoteEndPoint { get; }

    /// <summary>The peer's address with the transport the call runs over.</summary>
    Transport.SipHop RemoteHop { get; }

    /// <summary>The outbound proxy the call was placed through (a trunk): our requests in its dialog go there too.</summary>
    Transport.SipHop? OutboundProxy { get; }

    /// <summary>Answers challenges to our in-dialog requests, or null.</summary>
    Authentication.DigestCredentials? Credentials { get; }

    /// <summary>Our current session description (re-INVITEs that refresh the session get it again).</summary>
    string? LocalSdp { get; }

    /// <summary>Our answer to a re-INVITE's offer (or null to refuse it), from the host.</summary>
    Func<string, string?>? SessionUpdateHandler { get; }

    /// <summary>The session description we answered a re-INVITE with.</summary>
    void UpdateLocalSdp(string sdp);

    void OnRemoteBye();

    /// <summary>Cancelled when the call ends.</summary>
    CancellationToken Ended { get; }

    /// <summary>The session timer (RFC 4028) once the call is established with one.</summary>
    SessionTimer? Timer { get; set; }

    /// <summary>The transfer our REFER started, if any: NOTIFYs inside the dialog report on it.</summary>
    ReferSubscription? Refer { get; set; }

    void OnAck();

    /// <summary>A key pressed, carried in a SIP INFO body.</summary>
    void OnInfoDigit(Rtp.DtmfDigit digit);

    /// <summary>The response refusing an INFO that came too fast for this dialog, or null to accept it.</summary>
    Messages.SipResponse? RefuseInfo(Messages.SipRequest request, Microsoft.Extensions.Logging.ILogger logger);

    void End(CallEndReason reason);
}
