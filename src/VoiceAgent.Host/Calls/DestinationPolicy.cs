using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using VoiceAgent.Host.Configuration;

namespace VoiceAgent.Host.Calls;

/// <summary>
/// Decides whether <c>POST /v1/calls</c> may dial a destination (the hardening issue's "dial anywhere"
/// and toll fraud). Always: no unspecified, multicast, broadcast, link-local or metadata address, also
/// behind a name. Straight to a host (no trunk): an allowed host pattern, or with none configured a
/// loopback or private address literal (or localhost). Through a trunk: a number (a phone number, or a
/// sip: URI whose user part is one) needs an allowed number prefix, and none is allowed until
/// Outbound:AllowedDestinations lists some; other sip: URIs need a host pattern once any is configured.
/// </summary>
internal sealed class DestinationPolicy(AllowedDestinations allowed)
{
    private static readonly Counter<long> Refused = HostMetrics.Meter.CreateCounter<long>(
        "voiceagent.outbound.destinations.refused", "{call}", "Outbound call requests refused for their destination");

    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(3);

    /// <summary>A phone number dialed through <paramref name="trunk"/>.</summary>
    public DestinationVerdict CheckNumber(string number, TrunkSettings trunk)
        => OutboundNumber.Digits(number) is { } digits && allowed.AllowsNumber(digits)
            ? DestinationVerdict.Allowed
            : Count(DestinationVerdict.NotAllowed(NumberNotAllowed(number, trunk)), "number");

    /// <summary>A sip: URI, sent to its own host (<paramref name="trunk"/> null) or through a trunk's proxy.</summary>
    public async Task<DestinationVerdict> CheckUriAsync(SipTarget target, TrunkSettings? trunk, CancellationToken cancellationToken)
    {
        if (target.Address is { } literal && DestinationAddress.Classify(literal) == AddressKind.Forbidden)
        {
            return Count(DestinationVerdict.Invalid($"{target.Host} is an unspecified, multicast, link-local or metadata address: never a destination"), "forbidden");
        }

        if (trunk is not null)
        {
            // The trunk's proxy is the next hop; the host is only a name in the Request-URI. A number is what costs money.
            if (target.UserIsNumber && !allowed.AllowsNumber(OutboundNumber.Digits(target.User)!))
            {
                return Count(DestinationVerdict.NotAllowed(NumberNotAllowed(target.User, trunk)), "number");
            }

            return allowed.HostPatterns.Count == 0 || allowed.AllowsHost(target.Host, target.Address) || string.Equals(target.Host, trunk.Domain, StringComparison.OrdinalIgnoreCase)
                ? DestinationVerdict.Allowed
                : Count(DestinationVerdict.NotAllowed($"{target.Host} matches no sip: host pattern in Outbound:AllowedDestinations"), "host");
        }

        if (allowed.HostPatterns.Count == 0)
        {
            var local = target.Host == "localhost" || (target.Address is { } address && DestinationAddress.Classify(address) is AddressKind.Loopback or AddressKind.Private);
            return local
                ? DestinationVerdict.Allowed
                : Count(DestinationVerdict.NotAllowed($"{target.Host} is not a loopback or private address; list the hosts this API may dial in Outbound:AllowedDestinations (sip:pbx.example.com, sip:192.0.2.0/24)"), "host");
        }

        if (!allowed.AllowsHost(target.Host, target.Address))
        {
            return Count(DestinationVerdict.NotAllowed($"{target.Host} matches no sip: host pattern in Outbound:AllowedDestinations"), "host");
        }

        return target.Address is null ? await CheckNameAsync(target.Host, cancellationToken) : DestinationVerdict.Allowed;
    }

    /// <summary>An allowed name must not lead to a forbidden address either (metadata.google.internal is 169.254.169.254).</summary>
    private async Task<DestinationVerdict> CheckNameAsync(string host, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ResolveTimeout);
        IPAddress[] addresses;
        try
        {
            addresses = await Dns.GetHostAddressesAsync(host, timeout.Token);
        }
        catch (Exception ex) when (ex is SocketException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return Count(DestinationVerdict.Invalid($"{host} does not resolve"), "unresolved");
        }

        return addresses.Length == 0 || addresses.Any(a => DestinationAddress.Classify(a) == AddressKind.Forbidden)
            ? Count(DestinationVerdict.Invalid($"{host} resolves to an unspecified, multicast, link-local or metadata address (or to none): never a destination"), "forbidden")
            : DestinationVerdict.Allowed;
    }

    private static string NumberNotAllowed(string number, TrunkSettings trunk)
        => $"{number} (through trunk '{trunk.Name}') matches no number prefix in Outbound:AllowedDestinations; numbers are dialed through a trunk only when listed there (e.g. +44, +1555)";

    private static DestinationVerdict Count(DestinationVerdict verdict, string reason)
    {
        Refused.Add(1, new KeyValuePair<string, object?>("reason", reason));
        return verdict;
    }
}
