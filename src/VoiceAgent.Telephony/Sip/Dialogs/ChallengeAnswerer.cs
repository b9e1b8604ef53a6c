using System.Globalization;
using Microsoft.Extensions.Logging;
using VoiceAgent.Telephony.Sip.Authentication;
using VoiceAgent.Telephony.Sip.Messages;

namespace VoiceAgent.Telephony.Sip.Dialogs;

/// <summary>Answers a 401/407 to one of our requests (RFC 3261 §22.2) with the trunk's credentials, in a new request.</summary>
internal sealed class ChallengeAnswerer(ILogger logger)
{
    private readonly DigestAuthenticator _digest = new();

    /// <summary>
    /// A copy of the request with a fresh branch, a new CSeq (+ 1, or <paramref name="cseq"/> from the
    /// dialog's counter for in-dialog requests) and the answer to every challenge we can answer.
    /// </summary>
    public (SipRequest Invite, string Branch)? Authorize(SipRequest invite, SipResponse challenge, DigestCredentials credentials, uint? cseq)
    {
        var (challengeHeader, answerHeader) = challenge.StatusCode == 401
            ? (SipHeaderNames.WwwAuthenticate, SipHeaderNames.Authorization)
            : (SipHeaderNames.ProxyAuthenticate, SipHeaderNames.ProxyAuthorization);
        var answers = new List<string>();
        foreach (var header in challenge.Headers.GetAll(challengeHeader))
        {
            if (!DigestChallenge.TryParse(header, out var parsed) || !DigestAuthenticator.Supports(parsed!))
            {
                continue;
            }

            // Only the trunk's realm (Trunks:<name>:Realm, else the first it used): a challenge for another
            // realm would have us hand a hash of the trunk's password to whoever asked.
            if (!credentials.Realm.Accepts(parsed!.Realm))
            {
                TelephonyLog.ChallengeNotAnswered(logger, invite.CallId ?? string.Empty, parsed.Realm, $"the trunk's realm is '{credentials.Realm.Value}'");
                continue;
            }

            answers.Add(_digest.Authorize(parsed, credentials, invite.Method, invite.RequestUri));
        }

        if (answers.Count == 0)
        {
            return null;
        }

        var branch = SipTokens.NewBranch();
        var headers = new SipHeaderCollection();
        foreach (var header in invite.Headers)
        {
            if (header.Name is SipHeaderNames.Authorization or SipHeaderNames.ProxyAuthorization)
            {
                continue;
            }

            headers.Add(header.Name, header.Name switch
            {
                SipHeaderNames.Via => System.Text.RegularExpressions.Regex.Replace(header.Value, "branch=[^;]+", "branch=" + branch),
                SipHeaderNames.CSeq => SipCSeq.TryParse(header.Value, out var old) ? $"{(cseq ?? old.Number + 1).ToString(CultureInfo.InvariantCulture)} {old.Method}" : header.Value,
                _ => header.Value,
            });
        }

        foreach (var answer in answers)
        {
            headers.Add(answerHeader, answer);
        }

        TelephonyLog.Authenticating(logger, invite.CallId ?? string.Empty, challenge.StatusCode, credentials.Username);
        return (new SipRequest(invite.Method, invite.RequestUri, headers) { Body = invite.Body }, branch);
    }
}
