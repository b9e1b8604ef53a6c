using VoiceAgent.Telephony.Sip.Messages;
using VoiceAgent.Telephony.Sip.Transport;

namespace VoiceAgent.Telephony.Sip.Transactions;

/// <summary>What a request outside any dialog (REGISTER) needs of the transaction layer.</summary>
internal interface IRequestChannel
{
    TimeProvider Time { get; }

    /// <summary>The address family our sockets use (host names resolve to it).</summary>
    System.Net.Sockets.AddressFamily AddressFamily { get; }

    /// <summary>Runs a non-INVITE client transaction to its final response; null on timer F.</summary>
    Task<SipResponse?> SendRequestAsync(SipRequest request, string branch, SipHop destination, CancellationToken cancellationToken);
}
