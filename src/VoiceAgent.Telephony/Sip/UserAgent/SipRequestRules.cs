using VoiceAgent.Telephony.Sip.Messages;

namespace VoiceAgent.Telephony.Sip.UserAgent;

/// <summary>
/// The checks a UAS makes before acting on a request (RFC 3261 §8.2.1-8.2.3): URI scheme (416),
/// extensions it does not support (420), content it cannot read (415), methods it does not do (405/501).
/// </summary>
internal sealed class SipRequestRules
{
    /// <summary>Methods we know but do not implement as a UAS: 405 with Allow (§8.2.1).</summary>
    private static readonly HashSet<string> KnownUnsupported =
    [
        SipMethods.Register, SipMethods.Subscribe, SipMethods.Message, SipMethods.Refer,
        SipMethods.Prack, "PUBLISH",
    ];

    public SipResponse? Check(SipRequest request)
    {
        if (!SipUri.TryParse(request.RequestUri, out var uri) || uri!.Scheme is not ("sip" or "sips" or "tel"))
        {
            return SipResponseFactory.Create(request, 416, SipResponseFactory.ReasonPhrase(416));
        }

        // §8.2.2.3: CANCEL and ACK never carry Require we must honour.
        if (request.Method != SipMethods.Cancel && request.Headers.Get(SipHeaderNames.Require) is { Length: > 0 } require)
        {
            var response = SipResponseFactory.Create(request, 420, SipResponseFactory.ReasonPhrase(420));
            response.Headers.Add(SipHeaderNames.Unsupported, string.Join(", ", request.Headers.GetAll(SipHeaderNames.Require).SelectMany(SipHeaderValueSplitter.Split)));
            return response;
        }

        return null;
    }

    public SipResponse? CheckInvite(SipRequest invite)
    {
        if (Check(invite) is { } refused)
        {
            return refused;
        }

        // §8.1.1.3, §8.1.1.2: the dialog is built from From and To (tags, URIs); one that is not a name-address is a bad request, not a dialog.
        if (!SipNameAddress.TryParse(invite.From ?? string.Empty, out _) || !SipNameAddress.TryParse(invite.To ?? string.Empty, out _))
        {
            return SipResponseFactory.Create(invite, 400, "Bad Request (From or To)");
        }

        if (invite.Body.Length > 0 && !string.Equals(invite.ContentType?.Split(';')[0].Trim(), "application/sdp", StringComparison.OrdinalIgnoreCase))
        {
            var response = SipResponseFactory.Create(invite, 415, SipResponseFactory.ReasonPhrase(415));
            response.Headers.Add(SipHeaderNames.Accept, "application/sdp");
            return response;
        }

        // §8.2.3 / §21.4.7: our answers carry SDP; an Accept that excludes it gets 406 (RFC 4475 §3.3.15, sdp01).
        if (!AcceptsSdp(invite))
        {
            var response = SipResponseFactory.Create(invite, 406, SipResponseFactory.ReasonPhrase(406));
            response.Headers.Add(SipHeaderNames.Warning, "399 VoiceAgent \"our answers are application/sdp\"");
            return response;
        }

        return null;
    }

    /// <summary>No Accept means application/sdp (§20.1); otherwise one of its media ranges must cover it.</summary>
    private static bool AcceptsSdp(SipRequest request)
    {
        var any = false;
        foreach (var range in request.Headers.GetAll(SipHeaderNames.Accept).SelectMany(SipHeaderValueSplitter.Split))
        {
            any = true;
            var type = range.Split(';')[0].Trim();
            if (type is "*/*" || type.Equals("application/*", StringComparison.OrdinalIgnoreCase) || type.Equals("application/sdp", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        // An empty Accept header line lists nothing: treat it as absent rather than refuse every answer.
        return !any;
    }

    public SipResponse NotSupported(SipRequest request, string toTag)
    {
        var status = KnownUnsupported.Contains(request.Method) ? 405 : 501;
        var response = SipResponseFactory.Create(request, status, SipResponseFactory.ReasonPhrase(status), toTag);
        response.Headers.Add(SipHeaderNames.Allow, SipUserAgentOptions.Allow);
        return response;
    }
}
