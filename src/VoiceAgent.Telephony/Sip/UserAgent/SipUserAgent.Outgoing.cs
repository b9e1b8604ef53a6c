using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using VoiceAgent.Telephony.Sip.Dialogs;
using VoiceAgent.Telephony.Sip.Messages;
using VoiceAgent.Telephony.Sip.Transactions;

namespace VoiceAgent.Telephony.Sip.UserAgent;

/// <summary>The UAC half: placing calls (RFC 3261 §8.1, §13.2), CANCEL (§9.1), and the ACK for 2xx.</summary>
public sealed partial class SipUserAgent
{
    /// <summary>
    /// Sends an INVITE for <paramref name="request"/> and returns the call at once; its
    /// <see cref="OutgoingCall.Answered"/> task says how it went. A call still ringing after
    /// <see cref="OutgoingCallRequest.RingTimeout"/> is cancelled (outcome <c>no-answer</c>); one that
    /// got no response at all ends as <c>failed</c> with 408.
    /// </summary>
    /// <exception cref="ArgumentException">The target is not a sip: URI with a host we can reach.</exception>
    public OutgoingCall PlaceCall(OutgoingCallRequest request)
    {
        if (!SipUri.TryParse(request.Target, out var target) || !target!.IsSip)
        {
            throw new ArgumentException($"'{request.Target}' is not a sip: URI.", nameof(request));
        }

        var nextHop = request.NextHop ?? ResolveLiteral(target)
            ?? throw new ArgumentException($"'{target.Host}' in '{request.Target}' is not an IP address; name an outbound proxy for host names.", nameof(request));
        var branch = NewBranch();
        var localTag = NewTag();
        var headers = new SipHeaderCollection();
        headers.Add(SipHeaderNames.Via, $"SIP/2.0/{_transport.Protocol} {FormatHost(Options.PublicAddress)}:{Options.Port.ToString(CultureInfo.InvariantCulture)};branch={branch};rport");
        headers.Add(SipHeaderNames.MaxForwards, "70");
        headers.Add(SipHeaderNames.From, $"<sip:{request.FromUser}@{FormatHost(Options.PublicAddress)}>;tag={localTag}");
        headers.Add(SipHeaderNames.To, $"<{request.Target}>");
        headers.Add(SipHeaderNames.CallId, Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant() + "@voiceagent");
        headers.Add(SipHeaderNames.CSeq, $"1 {SipMethods.Invite}");
        headers.Add(SipHeaderNames.Contact, OwnContact());
        headers.Add(SipHeaderNames.Allow, SipUserAgentOptions.Allow);
        headers.Add(SipHeaderNames.Supported, string.Empty);
        headers.Add(SipHeaderNames.UserAgent, SipResponseFactory.ServerName);
        headers.Add(SipHeaderNames.ContentType, "application/sdp");
        var invite = new SipRequest(SipMethods.Invite, request.Target, headers) { Body = System.Text.Encoding.UTF8.GetBytes(request.SdpOffer) };
        var call = new OutgoingCall(this, invite, nextHop, request.SdpOffer);
        _ = Task.Run(() => RunOutgoingAsync(call, branch, request.RingTimeout), CancellationToken.None);
        return call;
    }

    private async Task RunOutgoingAsync(OutgoingCall call, string branch, TimeSpan ringTimeout)
    {
        using var transaction = new InviteClientTransaction(
            branch, call.Invite, m => SendAsync(m, call.RemoteEndPoint), call.OnProvisional, Options.Timers, Time, t => _inviteClientTransactions.TryRemove(t.Branch, out _));
        _inviteClientTransactions[branch] = transaction;
        try
        {
            await transaction.StartAsync().ConfigureAwait(false);
            SipResponse? final = null;
            var ringTimedOut = false;
            using (var waiting = CancellationTokenSource.CreateLinkedTokenSource(call.Abandoned))
            {
                waiting.CancelAfter(ringTimeout);
                try
                {
                    final = await transaction.Completion.WaitAsync(waiting.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    ringTimedOut = !call.Abandoned.IsCancellationRequested;
                }
            }

            if (final is null && transaction.Completion.IsCompleted)
            {
                call.OnNotAnswered(408, "failed"); // timer B: nobody answered the INVITE at all
                return;
            }

            if (final is null)
            {
                if (!transaction.HasProvisional)
                {
                    // §9.1: no CANCEL before a provisional response; give the INVITE up.
                    call.OnNotAnswered(408, call.Abandoned.IsCancellationRequested ? "cancelled" : "failed");
                    return;
                }

                await SendCancelAsync(call.Invite, branch, call.RemoteEndPoint).ConfigureAwait(false);

                // The callee answers the INVITE with 487 (or, in a race, with 200: then we hang up at once).
                final = await transaction.Completion.WaitAsync(Options.Timers.TimeoutInterval).ConfigureAwait(false);
                if (final is null)
                {
                    call.OnNotAnswered(408, ringTimedOut ? "no-answer" : "cancelled");
                    return;
                }
            }

            if (!final.IsSuccess)
            {
                TelephonyLog.OutgoingNotAnswered(_logger, call.CallId, final.StatusCode, final.ReasonPhrase);
                call.OnNotAnswered(final.StatusCode, OutgoingCall.OutcomeOf(final.StatusCode, call.Abandoned.IsCancellationRequested, ringTimedOut));
                return;
            }

            var dialog = SipDialogFactory.ForOutgoingInvite(call.Invite, final);
            SipCSeq.TryParse(call.Invite.Headers.Get(SipHeaderNames.CSeq), out var cseq);
            var ack = dialog.CreateAck(cseq.Number, FormatHost(Options.PublicAddress), Options.Port, _transport.Protocol);
            _callsByDialog[dialog.Key] = call;
            call.OnAnswered(final, dialog, ack);
            await SendAsync(ack, call.RemoteEndPoint).ConfigureAwait(false);
            TelephonyLog.OutgoingAnswered(_logger, call.CallId);
            if (call.Abandoned.IsCancellationRequested)
            {
                await call.HangupAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is TimeoutException or System.Net.Sockets.SocketException)
        {
            call.OnNotAnswered(408, "failed");
        }
    }

    /// <summary>§9.1: CANCEL copies the INVITE's Request-URI, Call-ID, From, To, CSeq number, top Via (same branch) and Route.</summary>
    private async Task SendCancelAsync(SipRequest invite, string branch, IPEndPoint destination)
    {
        var headers = new SipHeaderCollection();
        headers.Add(SipHeaderNames.Via, invite.TopVia!);
        headers.Add(SipHeaderNames.MaxForwards, "70");
        headers.Add(SipHeaderNames.From, invite.From!);
        headers.Add(SipHeaderNames.To, invite.To!);
        headers.Add(SipHeaderNames.CallId, invite.CallId!);
        SipCSeq.TryParse(invite.Headers.Get(SipHeaderNames.CSeq), out var cseq);
        headers.Add(SipHeaderNames.CSeq, $"{cseq.Number.ToString(CultureInfo.InvariantCulture)} {SipMethods.Cancel}");
        foreach (var route in invite.Headers.GetAll(SipHeaderNames.Route))
        {
            headers.Add(SipHeaderNames.Route, route);
        }

        await SendNonInviteAsync(new SipRequest(SipMethods.Cancel, invite.RequestUri, headers), branch, destination, CancellationToken.None).ConfigureAwait(false);
    }

    private static IPEndPoint? ResolveLiteral(SipUri uri)
        => IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) ? new IPEndPoint(address, uri.Port ?? 5060) : null;

    private static string NewBranch() => "z9hG4bK" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();
}
