using System.Diagnostics.Metrics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using VoiceAgent.Telephony.Sip.Messages;
using VoiceAgent.Telephony.Sip.Transactions;

namespace VoiceAgent.Telephony.Sip.UserAgent;

/// <summary>
/// What the user agent answers without a server transaction (RFC 3261 §8.2.7, as Kamailio's sl
/// module does): OPTIONS, refusals, and requests for no dialog. A retransmission is simply answered
/// again, with the same To tag, and nothing of the request is kept.
/// </summary>
public sealed partial class SipUserAgent
{
    private static readonly Counter<long> Stateless = TelephonyMetrics.Meter.CreateCounter<long>(
        "voiceagent.sip.stateless_responses", "{response}", "Responses sent without a server transaction (OPTIONS, refusals, errors).");

    // Secret per process: stateless To tags cannot be predicted from the request alone.
    private readonly byte[] _tagSalt = RandomNumberGenerator.GetBytes(16);

    /// <summary>
    /// The To tag of a stateless response: derived from the request (Call-ID, From, top Via) like
    /// Kamailio's sl tags, so a retransmitted request answered again gets the same tag without any state.
    /// </summary>
    private string StatelessTag(SipRequest request)
    {
        var text = Encoding.UTF8.GetBytes($"{request.CallId}|{request.From}|{request.TopVia}|{request.Method}");
        return Convert.ToHexString(HMACSHA256.HashData(_tagSalt, text), 0, 6).ToLowerInvariant();
    }

    /// <summary>The answer when it needs no transaction: nothing was done that a retransmission could repeat; null otherwise.</summary>
    private SipResponse? StatelessAnswer(SipRequest request)
    {
        if (_rules.Check(request) is { } refused)
        {
            return refused;
        }

        switch (request.Method)
        {
            case SipMethods.Options:
                var options = SipResponseFactory.Create(request, 200, "OK", StatelessTag(request));
                options.Headers.Add(SipHeaderNames.Allow, SipUserAgentOptions.Allow);
                options.Headers.Add(SipHeaderNames.Accept, "application/sdp");
                options.Headers.Add(SipHeaderNames.Supported, string.Empty);
                return options;
            case SipMethods.Cancel:
                return TransactionKey.ForCancelledInvite(request) is { } inviteKey && _callsByInvite.ContainsKey(inviteKey) ? null : NoSuchCall(request);
            case SipMethods.Notify:
                return FindCall(request) is { Refer: not null } ? null : NoSuchCall(request);
            case SipMethods.Update or SipMethods.Bye or SipMethods.Info:
                return FindCall(request) is not null ? null : NoSuchCall(request);
            default:
                return _rules.NotSupported(request, StatelessTag(request));
        }
    }

    private SipResponse NoSuchCall(SipRequest request) => SipResponseFactory.Create(request, 481, SipResponseFactory.ReasonPhrase(481), StatelessTag(request));

    /// <summary>Sends a response with no transaction behind it (RFC 3261 §8.2.7 stateless UAS behaviour): a retransmitted request is simply answered again.</summary>
    private ValueTask SendStatelessAsync(SipResponse response, IPEndPoint remote, Transport.SipTransportKind transport)
    {
        Stateless.Add(1);
        return SendQuietlyAsync(response, DestinationOf(remote, transport));
    }
}
