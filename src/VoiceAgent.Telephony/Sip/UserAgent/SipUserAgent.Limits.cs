using System.Diagnostics.Metrics;
using System.Net;
using VoiceAgent.Telephony.Sip.Messages;

namespace VoiceAgent.Telephony.Sip.UserAgent;

/// <summary>
/// Admission of new requests, decided before any state is kept: who may call (Sip:InboundFrom, 403),
/// the call limit, the per-source call cap and INVITE rate (503), and the per-source rate of other
/// requests (dropped). Refusals are answered statelessly, as Kamailio's sl module does: no
/// transaction, no retransmission, nothing kept for 32 s.
/// </summary>
public sealed partial class SipUserAgent
{
    private static readonly Counter<long> Refused = TelephonyMetrics.Meter.CreateCounter<long>(
        "voiceagent.sip.refused", "{request}", "Requests refused at admission, by reason (policy, call_limit, source_calls, invite_rate, request_rate).");

    private readonly CallsPerSource _callsPerSource = new();

    /// <summary>Trunks, the registrars we are registered with, and Sip:TrustedSources: exempt from the per-source limits.</summary>
    private bool IsExempt(IPAddress source)
    {
        if (_trust.IsTrusted(source))
        {
            return true;
        }

        // Enumerating the dictionary itself takes no lock and copies nothing (its Keys property does both).
        foreach (var registration in _registrations)
        {
            if (source.Equals(registration.Key.RegistrarAddress))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="source"/> may start a call under Sip:InboundFrom.</summary>
    private bool MayCall(IPAddress source) => Options.InboundFrom == InboundPolicy.Any || IsExempt(source);

    /// <summary>
    /// A new INVITE (no To tag): 403 when the source may not call, 503 with Retry-After (RFC 3261 §21.5.4)
    /// when the host is full, the source has its share of calls, or sends INVITEs too fast; null when
    /// admitted, and then the source's call is counted (released when the call ends).
    /// </summary>
    private SipResponse? Admit(SipRequest invite, IPEndPoint remote)
    {
        var source = remote.Address;
        if (!MayCall(source))
        {
            return Refuse(invite, remote, 403, "policy", "calls are accepted from trunks and trusted sources only (Sip:InboundFrom)");
        }

        if (Options.MaxConcurrentCalls > 0 && _callsByDialog.Count >= Options.MaxConcurrentCalls)
        {
            return Refuse(invite, remote, 503, "call_limit", "call limit reached");
        }

        var exempt = IsExempt(source);
        if (!exempt && !_inviteLimiter.TryAcquire(source))
        {
            return Refuse(invite, remote, 503, "invite_rate", "too many calls from this address");
        }

        if (!_callsPerSource.TryEnter(source, exempt ? 0 : Options.MaxCallsPerSource))
        {
            return Refuse(invite, remote, 503, "source_calls", "too many calls in progress from this address");
        }

        return null;
    }

    /// <summary>False when a request other than INVITE or ACK is over its source's rate: it is dropped (counted), as Kamailio's pike does.</summary>
    private bool AdmitRequest(SipRequest request, IPEndPoint remote)
    {
        if (Options.RequestsPerSecondPerSource <= 0 || IsExempt(remote.Address) || _requestLimiter.TryAcquire(remote.Address))
        {
            return true;
        }

        Refused.Add(1, new KeyValuePair<string, object?>("reason", "request_rate"));
        TelephonyLog.RequestDropped(_logger, request.Method, remote.ToString());
        return false;
    }

    private SipResponse Refuse(SipRequest invite, IPEndPoint remote, int status, string reason, string why)
    {
        Refused.Add(1, new KeyValuePair<string, object?>("reason", reason));
        TelephonyLog.InviteRefused(_logger, remote.ToString(), status, why);
        var response = SipResponseFactory.Create(invite, status, SipResponseFactory.ReasonPhrase(status), StatelessTag(invite));
        if (status == 503)
        {
            response.Headers.Add(SipHeaderNames.RetryAfter, "5");
        }

        response.Headers.Add(SipHeaderNames.Warning, $"399 VoiceAgent \"{why}\"");
        return response;
    }

    /// <summary>Trunk proxies named by host name: looked up now and every five minutes, so a trunk that moves stays trusted.</summary>
    private async Task ResolveTrunksAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await _trust.ResolveAsync(AddressFamily, cancellationToken).ConfigureAwait(false);
                await Task.Delay(TimeSpan.FromMinutes(5), Time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
