using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using VoiceAgent.Telephony.Sip.Messages;
using VoiceAgent.Telephony.Sip.Transport;

namespace VoiceAgent.Telephony.Sip.Dialogs;

/// <summary>
/// A dialog (RFC 3261 §12.1): identified by Call-ID and both tags, with the remote target from
/// the peer's Contact and the route set from Record-Route (in order for the UAS side, reversed for
/// the UAC side, §12.1.2).
/// Builds our in-dialog requests (§12.2.1.1).
/// </summary>
internal sealed class SipDialog
{
    private long _localCSeq = RandomNumberGenerator.GetInt32(1, 100_000);

    public SipDialog(string callId, string localTag, string remoteTag, string localUri, string remoteUri, string remoteTarget, IReadOnlyList<string> routeSet)
    {
        CallId = callId;
        LocalTag = localTag;
        RemoteTag = remoteTag;
        LocalUri = localUri;
        RemoteUri = remoteUri;
        RemoteTarget = remoteTarget;
        RouteSet = routeSet;
    }

    public string CallId { get; }

    public string LocalTag { get; }

    public string RemoteTag { get; }

    /// <summary>Our address-of-record as the caller addressed it (the INVITE's To, without tag).</summary>
    public string LocalUri { get; }

    /// <summary>The caller's From, without tag.</summary>
    public string RemoteUri { get; }

    public string RemoteTarget { get; }

    public IReadOnlyList<string> RouteSet { get; }

    public string Key => KeyOf(CallId, LocalTag, RemoteTag);

    public static string KeyOf(string callId, string localTag, string remoteTag) => $"{callId}|{localTag}|{remoteTag}";

    /// <summary>A request inside this dialog (BYE, INFO...) with a fresh branch and the next local CSeq.</summary>
    public SipRequest CreateRequest(string method, string viaHost, int viaPort, string transport, out string branch)
    {
        branch = "z9hG4bK" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();
        var headers = new SipHeaderCollection();
        headers.Add(SipHeaderNames.Via, $"SIP/2.0/{transport} {viaHost}:{viaPort.ToString(CultureInfo.InvariantCulture)};branch={branch};rport");
        headers.Add(SipHeaderNames.MaxForwards, "70");
        headers.Add(SipHeaderNames.From, $"<{LocalUri}>;tag={LocalTag}");
        headers.Add(SipHeaderNames.To, $"<{RemoteUri}>;tag={RemoteTag}");
        headers.Add(SipHeaderNames.CallId, CallId);
        headers.Add(SipHeaderNames.CSeq, $"{Interlocked.Increment(ref _localCSeq).ToString(CultureInfo.InvariantCulture)} {method}");
        // §12.2.1.1 with loose routing: Request-URI is the remote target, the route set goes in Route.
        foreach (var route in RouteSet)
        {
            headers.Add(SipHeaderNames.Route, route);
        }

        headers.Add(SipHeaderNames.UserAgent, SipResponseFactory.ServerName);
        return new SipRequest(method, RemoteTarget, headers);
    }

    /// <summary>
    /// The ACK for a 2xx to our INVITE (RFC 3261 §13.2.2.4): a new transaction-less request in the
    /// dialog with the INVITE's CSeq number, sent again for every retransmitted 2xx.
    /// </summary>
    public SipRequest CreateAck(uint inviteCSeq, string viaHost, int viaPort, string transport)
    {
        var ack = CreateRequest(SipMethods.Ack, viaHost, viaPort, transport, out _);
        Interlocked.Decrement(ref _localCSeq); // an ACK does not consume a CSeq number
        ack.Headers.ReplaceFirst(SipHeaderNames.CSeq, $"{inviteCSeq.ToString(CultureInfo.InvariantCulture)} {SipMethods.Ack}");
        return ack;
    }

    /// <summary>The next CSeq number of ours (a request re-sent with credentials takes a new one, §22.2).</summary>
    public uint NextCSeq() => (uint)Interlocked.Increment(ref _localCSeq);

    /// <summary>
    /// Where our requests go: the first route's URI, else the remote target's (§8.1.2, §12.2.1.1),
    /// over the transport that URI names, else the one the call runs over (<paramref name="fallback"/>).
    /// </summary>
    public async Task<SipHop> ResolveNextHopAsync(SipHop fallback, AddressFamily family, CancellationToken cancellationToken)
    {
        var uriText = RemoteTarget;
        if (RouteSet.Count > 0 && SipNameAddress.TryParse(RouteSet[0], out var route))
        {
            uriText = route!.Uri;
        }

        if (!SipUri.TryParse(uriText, out var uri) || !uri!.IsSip || SipNextHop.FromUri(uri, out _) is not { } next)
        {
            return fallback;
        }

        if (uri.GetParameter("transport") is null)
        {
            next = next with { Transport = fallback.Transport };
        }

        return await next.ResolveAsync(family, cancellationToken).ConfigureAwait(false) ?? fallback;
    }
}
