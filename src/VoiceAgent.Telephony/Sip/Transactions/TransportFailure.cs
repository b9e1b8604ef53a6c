using VoiceAgent.Telephony.Sip.Messages;

namespace VoiceAgent.Telephony.Sip.Transactions;

/// <summary>RFC 3261 §8.1.3.1: a request the transport could not deliver is treated as if the next hop had answered 503.</summary>
internal static class TransportFailure
{
    public static SipResponse ResponseTo(SipRequest request)
    {
        var response = SipResponseFactory.Create(request, 503, "Service Unavailable");
        response.Headers.Add(SipHeaderNames.Warning, "399 VoiceAgent \"the request could not be sent (connection refused or no route)\"");
        return response;
    }
}
