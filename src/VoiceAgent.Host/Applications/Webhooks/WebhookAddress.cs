using System.Net;
using System.Net.Sockets;
using VoiceAgent.Host.Calls;

namespace VoiceAgent.Host.Applications.Webhooks;

/// <summary>
/// The rules for where webhook requests (webhookUrl, the redirect verb) may go, and how their URLs
/// appear in logs. The address rule is the outbound calls' (<see cref="DestinationAddress"/>): never an
/// unspecified, multicast, link-local or metadata address. It is checked on the URL when it is given and
/// again on the address actually connected to (<see cref="ConnectAsync"/>), so a name that resolves (or
/// is rebound) to 169.254.169.254 is refused too.
/// </summary>
internal static class WebhookAddress
{
    /// <summary>Null when <paramref name="url"/> may receive webhooks, else why not.</summary>
    public static string? Check(Uri url)
    {
        if (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
        {
            return "must be an absolute http or https URL";
        }

        if (url.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 && IPAddress.TryParse(url.IdnHost.Trim('[', ']'), out var address)
            && DestinationAddress.Classify(address) == AddressKind.Forbidden)
        {
            return $"{url.Host} is an unspecified, multicast, link-local or metadata address: never a webhook";
        }

        return null;
    }

    /// <summary>The URL for logs: credentials, query and fragment (where applications put tokens) replaced by "***".</summary>
    public static string Redact(Uri url)
    {
        var user = url.UserInfo.Length > 0 ? "***@" : string.Empty;
        var query = url.Query.Length > 0 ? "?***" : string.Empty;
        var fragment = url.Fragment.Length > 0 ? "#***" : string.Empty;
        return $"{url.Scheme}://{user}{url.Authority}{url.AbsolutePath}{query}{fragment}";
    }

    /// <summary>The handler's connect step: resolves the host, refuses forbidden addresses, connects to the first allowed one.</summary>
    public static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        var allowed = addresses.Where(a => DestinationAddress.Classify(a) != AddressKind.Forbidden).ToArray();
        if (allowed.Length == 0)
        {
            throw new HttpRequestException($"{host} resolves to no address a webhook may go to (unspecified, multicast, link-local or metadata)");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
