using System.Collections.Concurrent;
using System.Net;
using VoiceAgent.Telephony.Sip.Authentication;
using VoiceAgent.Telephony.Sip.Messages;
using VoiceAgent.Telephony.Sip.Transactions;
using VoiceAgent.Telephony.Sip.Transport;

namespace VoiceAgent.Telephony.Sip.UserAgent;

/// <summary>Inside a call's dialog: REFER (RFC 3515), BYE, our 200 to re-INVITE and UPDATE; and the non-INVITE client transactions they and REGISTER run on.</summary>
public sealed partial class SipUserAgent
{
    private readonly ConcurrentDictionary<SipRegistration, byte> _registrations = new();

    /// <summary>REFER inside the call's dialog, then the NOTIFYs of its implicit subscription (RFC 3515).</summary>
    internal async Task<int> TransferAsync(IDialogCall call, string target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var (refer, branch, hop) = await CreateInDialogRequestAsync(call, SipMethods.Refer, cancellationToken).ConfigureAwait(false);
        refer.Headers.Add(SipHeaderNames.ReferTo, $"<{target}>");
        refer.Headers.Add(SipHeaderNames.ReferredBy, $"<{call.Dialog.LocalUri}>");
        refer.Headers.Add(SipHeaderNames.Contact, OwnContact(hop.Transport));
        var subscription = new ReferSubscription();
        call.Refer = subscription;
        var response = await SendInDialogAsync(call, refer, branch, hop, cancellationToken).ConfigureAwait(false);
        if (response is null || !response.IsSuccess)
        {
            var status = response?.StatusCode ?? 408;
            subscription.Abandon(status);
            TelephonyLog.TransferFailed(_logger, call.Dialog.CallId, target, status);
            return status;
        }

        try
        {
            var final = await subscription.Final.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            TelephonyLog.TransferDone(_logger, call.Dialog.CallId, target, final);
            return final;
        }
        catch (TimeoutException)
        {
            return 408;
        }
    }

    internal async Task SendByeAsync(IDialogCall call, CancellationToken cancellationToken)
    {
        var (bye, branch, hop) = await CreateInDialogRequestAsync(call, SipMethods.Bye, cancellationToken).ConfigureAwait(false);
        var response = await SendInDialogAsync(call, bye, branch, hop, cancellationToken).ConfigureAwait(false);
        if (response is null || !response.IsSuccess)
        {
            TelephonyLog.ByeUnanswered(_logger, call.Dialog.CallId, response is null ? "timeout" : response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <summary>A request in the call's dialog (§12.2.1.1), and where it goes with which transport.</summary>
    private async Task<(SipRequest Request, string Branch, SipHop Hop)> CreateInDialogRequestAsync(IDialogCall call, string method, CancellationToken cancellationToken)
    {
        var hop = await NextHopInDialogAsync(call, cancellationToken).ConfigureAwait(false);
        var request = call.Dialog.CreateRequest(method, ViaHost, Options.Port, hop.Transport.ViaName(), out var branch);
        return (request, branch, hop);
    }

    /// <summary>Where our requests in the call's dialog go: the outbound proxy it was placed through, else the route set or remote target (§12.2.1.1).</summary>
    private async Task<SipHop> NextHopInDialogAsync(IDialogCall call, CancellationToken cancellationToken)
        => call.OutboundProxy ?? await call.Dialog.ResolveNextHopAsync(call.RemoteHop, AddressFamily, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Runs a non-INVITE request in a dialog; a 401/407 (a proxy on the route that wants every request
    /// authenticated) is answered once with the call's credentials and the dialog's next CSeq (§22.2).
    /// </summary>
    private async Task<SipResponse?> SendInDialogAsync(IDialogCall call, SipRequest request, string branch, SipHop hop, CancellationToken cancellationToken)
    {
        hop = MoveLargeRequestToTcp(request, hop);
        var response = await SendNonInviteAsync(request, branch, hop, cancellationToken).ConfigureAwait(false);
        if (response is { StatusCode: 401 or 407 } && TrunkCredentials(call, hop) is { } credentials
            && Authorize(request, response, credentials, call.Dialog.NextCSeq()) is { } retry)
        {
            response = await SendNonInviteAsync(retry.Invite, retry.Branch, hop, cancellationToken).ConfigureAwait(false);
        }

        return response;
    }

    /// <summary>
    /// The call's trunk credentials when <paramref name="hop"/> goes to that trunk: the outbound proxy an
    /// outgoing call was placed through, or the registrar an incoming call came from. A request the
    /// dialog sends elsewhere (a Contact or route the peer chose) never answers a challenge with them.
    /// </summary>
    private static DigestCredentials? TrunkCredentials(IDialogCall call, SipHop hop)
    {
        if (call.Credentials is not { } credentials)
        {
            return null;
        }

        var trunk = call is OutgoingCall ? call.OutboundProxy?.EndPoint.Address : call.RemoteEndPoint.Address;
        return trunk is not null && trunk.Equals(hop.EndPoint.Address) ? credentials : null;
    }

    /// <summary>Runs a non-INVITE client transaction to its final response (null: timer F; a 503 of our own when it could not be sent).</summary>
    private async Task<SipResponse?> SendNonInviteAsync(SipRequest request, string branch, SipHop destination, CancellationToken cancellationToken)
    {
        var key = ClientKey(branch, request.Method);
        using var transaction = new NonInviteClientTransaction(branch, request, m => SendAsync(m, destination), Options.Timers, Time, destination.Transport.IsReliable());
        _clientTransactions[key] = transaction;
        try
        {
            await transaction.StartAsync().ConfigureAwait(false);
            return await transaction.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _clientTransactions.TryRemove(key, out _);
        }
    }
    /// <summary>200 to a re-INVITE or UPDATE: our Contact, our session (when there is a body to give), and the session timer refreshed (RFC 4028 §9).</summary>
    private SipResponse CreateInDialogResponse(SipRequest request, IDialogCall call, string? sdp)
    {
        var response = SipResponseFactory.Create(request, 200, "OK", call.Dialog.LocalTag);
        response.Headers.Add(SipHeaderNames.Contact, OwnContact(call.RemoteHop.Transport));
        response.Headers.Add(SipHeaderNames.Allow, SipUserAgentOptions.Allow);
        response.Headers.Add(SipHeaderNames.Supported, "timer");
        if (call.Timer is { } timer)
        {
            timer.Refreshed();
            var ourRole = call is OutgoingCall ? "uac" : "uas";
            var theirRole = ourRole == "uac" ? "uas" : "uac";
            response.Headers.Add(SipHeaderNames.SessionExpires, $"{(int)timer.Interval.TotalSeconds};refresher={(timer.WeRefresh ? ourRole : theirRole)}");
        }

        if (sdp is not null)
        {
            response.Headers.Add(SipHeaderNames.ContentType, "application/sdp");
            response.Body = System.Text.Encoding.UTF8.GetBytes(sdp);
        }

        return response;
    }

    /// <summary>Keeps an account registered until the returned registration is disposed.</summary>
    public SipRegistration Register(RegistrationOptions options)
    {
        var registration = new SipRegistration(this, options, r => _registrations.TryRemove(r, out _));
        _registrations[registration] = 0;
        registration.Start();
        return registration;
    }

    /// <summary>
    /// The credentials of the account registered at <paramref name="peer"/>'s address: a call that
    /// comes in through a trunk uses them when the trunk challenges our requests in the dialog.
    /// </summary>
    private DigestCredentials? CredentialsFor(IPEndPoint peer)
        => _registrations.Keys.FirstOrDefault(r => peer.Address.Equals(r.RegistrarAddress))?.Options.Credentials;

    /// <summary>Sends a request outside any dialog through a non-INVITE client transaction; null on timer F.</summary>
    internal Task<SipResponse?> SendRequestAsync(SipRequest request, string branch, SipHop destination, CancellationToken cancellationToken)
        => SendNonInviteAsync(request, branch, destination, cancellationToken);
}
