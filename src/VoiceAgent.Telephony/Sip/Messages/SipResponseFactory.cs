namespace VoiceAgent.Telephony.Sip.Messages;

/// <summary>Builds responses per RFC 3261 §8.2.6: Via, From, Call-ID and CSeq copied; To copied with our tag added.</summary>
internal static class SipResponseFactory
{
    public const string ServerName = "VoiceAgent";

    public static SipResponse Create(SipRequest request, int status, string reason, string? toTag = null)
    {
        var headers = new SipHeaderCollection();
        foreach (var via in request.Headers.GetAll(SipHeaderNames.Via))
        {
            headers.Add(SipHeaderNames.Via, via);
        }

        headers.Add(SipHeaderNames.From, request.From ?? string.Empty);
        var to = request.To ?? string.Empty;
        // §8.2.6.2: add a To tag unless the request already had one; 100 Trying carries none.
        if (toTag is not null && status > 100 && SipNameAddress.TryParse(to, out var toAddress) && toAddress!.Tag is null)
        {
            to = toAddress.WithParameter("tag", toTag).ToString();
        }

        headers.Add(SipHeaderNames.To, to);
        headers.Add(SipHeaderNames.CallId, request.CallId ?? string.Empty);
        headers.Add(SipHeaderNames.CSeq, request.Headers.Get(SipHeaderNames.CSeq) ?? string.Empty);
        headers.Add(SipHeaderNames.Server, ServerName);
        return new SipResponse(status, reason, headers);
    }

    public static string ReasonPhrase(int status) => status switch
    {
        100 => "Trying",
        180 => "Ringing",
        183 => "Session Progress",
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        408 => "Request Timeout",
        415 => "Unsupported Media Type",
        416 => "Unsupported URI Scheme",
        420 => "Bad Extension",
        480 => "Temporarily Unavailable",
        481 => "Call/Transaction Does Not Exist",
        486 => "Busy Here",
        487 => "Request Terminated",
        488 => "Not Acceptable Here",
        500 => "Server Internal Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        505 => "Version Not Supported",
        513 => "Message Too Large",
        603 => "Decline",
        _ => "Unknown",
    };
}
