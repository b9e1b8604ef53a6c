using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using VoiceAgent.Telephony.Sip.Messages;

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

        headers.Add(SipHeaderNames.UserAgent, UserAgent.SipResponseFactory.ServerName);
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

    /// <summary>Where our requests go: the first route's host, else the remote target's (§8.1.2, §12.2.1.1).</summary>
    public async Task<IPEndPoint?> ResolveNextHopAsync(IPEndPoint fallback, CancellationToken cancellationToken)
    {
        var uriText = RemoteTarget;
        if (RouteSet.Count > 0 && SipNameAddress.TryParse(RouteSet[0], out var route))
        {
            uriText = route!.Uri;
        }

        if (!SipUri.TryParse(uriText, out var uri) || !uri!.IsSip)
        {
            return fallback;
        }

        var port = uri.Port ?? 5060;
        var host = uri.Host.Trim('[', ']');
        if (IPAddress.TryParse(host, out var address))
        {
            return new IPEndPoint(address, port);
        }

        try
        {
            var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
            return addresses.Length > 0 ? new IPEndPoint(addresses[0], port) : fallback;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return fallback;
        }
    }
}
