using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.Logging;
using VoiceAgent.Telephony.Sip.Dialogs;
using VoiceAgent.Telephony.Sip.Messages;
using VoiceAgent.Telephony.Sip.Transactions;

namespace VoiceAgent.Telephony.Sip.UserAgent;

/// <summary>
/// Admission of new requests, decided before any state is kept: who may call (Sip:InboundFrom, 403),
/// the call limit, the per-source call cap and INVITE rate (503), and the per-source rate of other
/// requests (dropped). Refusals are answered statelessly, as Kamailio's sl module does: no
/// transaction, no retransmission, nothing kept for 32 s.
/// </summary>
internal sealed class SipAdmission
{
    private static readonly Counter<long> Refused = TelephonyMetrics.Meter.CreateCounter<long>(
        "voiceagent.sip.refused", "{request}", "Requests refused at admission, by reason (policy, call_limit, source_calls, invite_rate, request_rate).");

    private readonly CallsPerSource _callsPerSource = new();
    private readonly SipUserAgentOptions _options;
    private readonly SourceRateLimiter _inviteLimiter;
    private readonly SourceRateLimiter _requestLimiter;
    private readonly SourceTrust _trust;
    private readonly RegistrationTable _registrations;
    private readonly DialogTable _dialogs;
    private readonly SipTransactionLayer _transactions;
    private readonly ILogger _logger;

    public SipAdmission(SipUserAgentOptions options, RegistrationTable registrations, DialogTable dialogs, SipTransactionLayer transactions, ILogger logger)
    {
        _options = options;
        _registrations = registrations;
        _dialogs = dialogs;
        _transactions = transactions;
        _logger = logger;
        _inviteLimiter = new SourceRateLimiter(options.InvitesPerSecondPerSource, (int)Math.Ceiling(options.InvitesPerSecondPerSource * 4), transactions.Time);
        _requestLimiter = new SourceRateLimiter(options.RequestsPerSecondPerSource, (int)Math.Ceiling(options.RequestsPerSecondPerSource * 4), transactions.Time);
        _trust = new SourceTrust(options.TrustedSources, options.TrunkProxies);
    }

    public bool HasNamedTrunks => _trust.HasNamedTrunks;

    /// <summary>Trunks, the registrars we are registered with, and Sip:TrustedSources: exempt from the per-source limits.</summary>
    private bool IsExempt(IPAddress source) => _trust.IsTrusted(source) || _registrations.IsRegistrar(source);

    /// <summary>Whether <paramref name="source"/> may start a call under Sip:InboundFrom.</summary>
    private bool MayCall(IPAddress source) => _options.InboundFrom == InboundPolicy.Any || IsExempt(source);

    /// <summary>
    /// A new INVITE (no To tag): 403 when the source may not call, 503 with Retry-After (RFC 3261 §21.5.4)
    /// when the host is full, the source has its share of calls, or sends INVITEs too fast; null when
    /// admitted, and then the source's call is counted (released by <see cref="Leave"/> when the call ends).
    /// </summary>
    public SipResponse? Admit(SipRequest invite, IPEndPoint remote)
    {
        var source = remote.Address;
        if (!MayCall(source))
        {
            return Refuse(invite, remote, 403, "policy", "calls are accepted from trunks and trusted sources only (Sip:InboundFrom)");
        }

        if (_options.MaxConcurrentCalls > 0 && _dialogs.Count >= _options.MaxConcurrentCalls)
        {
            return Refuse(invite, remote, 503, "call_limit", "call limit reached");
        }

        var exempt = IsExempt(source);
        if (!exempt && !_inviteLimiter.TryAcquire(source))
        {
            return Refuse(invite, remote, 503, "invite_rate", "too many calls from this address");
        }

        if (!_callsPerSource.TryEnter(source, exempt ? 0 : _options.MaxCallsPerSource))
        {
            return Refuse(invite, remote, 503, "source_calls", "too many calls in progress from this address");
        }

        return null;
    }

    /// <summary>An admitted call from <paramref name="source"/> ended.</summary>
    public void Leave(IPAddress source) => _callsPerSource.Leave(source);

    /// <summary>False when a request other than INVITE or ACK is over its source's rate: it is dropped (counted), as Kamailio's pike does.</summary>
    public bool AdmitRequest(SipRequest request, IPEndPoint remote)
    {
        if (_options.RequestsPerSecondPerSource <= 0 || IsExempt(remote.Address) || _requestLimiter.TryAcquire(remote.Address))
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
        var response = SipResponseFactory.Create(invite, status, SipResponseFactory.ReasonPhrase(status), _transactions.StatelessTag(invite));
        if (status == 503)
        {
            response.Headers.Add(SipHeaderNames.RetryAfter, "5");
        }

        response.Headers.Add(SipHeaderNames.Warning, $"399 VoiceAgent \"{why}\"");
        return response;
    }

    /// <summary>Trunk proxies named by host name: looked up now and every five minutes, so a trunk that moves stays trusted.</summary>
    public async Task ResolveTrunksAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await _trust.ResolveAsync(_transactions.AddressFamily, cancellationToken).ConfigureAwait(false);
                await Task.Delay(TimeSpan.FromMinutes(5), _transactions.Time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
