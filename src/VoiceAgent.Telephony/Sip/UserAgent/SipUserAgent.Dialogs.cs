using System.Net;
using VoiceAgent.Telephony.Sip.Messages;
using VoiceAgent.Telephony.Sip.Transactions;

namespace VoiceAgent.Telephony.Sip.UserAgent;

/// <summary>Inside a call's dialog: REFER (RFC 3515), BYE, our 200 to re-INVITE and UPDATE; and the non-INVITE client transactions they and REGISTER run on.</summary>
public sealed partial class SipUserAgent
{
    /// <summary>REFER inside the call's dialog, then the NOTIFYs of its implicit subscription (RFC 3515).</summary>
    internal async Task<int> TransferAsync(IDialogCall call, string target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var refer = call.Dialog.CreateRequest(SipMethods.Refer, FormatHost(Options.PublicAddress), Options.Port, _transport.Protocol, out var branch);
        refer.Headers.Add(SipHeaderNames.ReferTo, $"<{target}>");
        refer.Headers.Add(SipHeaderNames.ReferredBy, $"<{call.Dialog.LocalUri}>");
        refer.Headers.Add(SipHeaderNames.Contact, OwnContact());
        var subscription = new ReferSubscription();
        call.Refer = subscription;
        var destination = await call.Dialog.ResolveNextHopAsync(call.RemoteEndPoint, cancellationToken).ConfigureAwait(false) ?? call.RemoteEndPoint;
        var response = await SendNonInviteAsync(refer, branch, destination, cancellationToken).ConfigureAwait(false);
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
        var bye = call.Dialog.CreateRequest(SipMethods.Bye, FormatHost(Options.PublicAddress), Options.Port, _transport.Protocol, out var branch);
        var destination = await call.Dialog.ResolveNextHopAsync(call.RemoteEndPoint, cancellationToken).ConfigureAwait(false) ?? call.RemoteEndPoint;
        var response = await SendNonInviteAsync(bye, branch, destination, cancellationToken).ConfigureAwait(false);
        if (response is null || !response.IsSuccess)
        {
            TelephonyLog.ByeUnanswered(_logger, call.Dialog.CallId, response is null ? "timeout" : response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Runs a non-INVITE client transaction to its final response (null: timer F).</summary>
    private async Task<SipResponse?> SendNonInviteAsync(SipRequest request, string branch, IPEndPoint destination, CancellationToken cancellationToken)
    {
        var key = ClientKey(branch, request.Method);
        using var transaction = new NonInviteClientTransaction(branch, request, m => SendAsync(m, destination), Options.Timers, Time);
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
        response.Headers.Add(SipHeaderNames.Contact, OwnContact());
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
        var registration = new SipRegistration(this, options);
        registration.Start();
        return registration;
    }

    /// <summary>Sends a request outside any dialog through a non-INVITE client transaction; null on timer F.</summary>
    internal Task<SipResponse?> SendRequestAsync(SipRequest request, string branch, IPEndPoint destination, CancellationToken cancellationToken)
        => SendNonInviteAsync(request, branch, destination, cancellationToken);
}
