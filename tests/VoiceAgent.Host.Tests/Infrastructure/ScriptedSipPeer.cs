using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace VoiceAgent.Host.Tests.Infrastructure;

/// <summary>
/// A minimal SIP endpoint on loopback UDP that answers INVITEs the way a test needs: busy (486),
/// ringing forever (180, then 487 when CANCELled), and that records every request it got.
/// Real phones cover the happy path; this covers callees that say no.
/// </summary>
internal sealed partial class ScriptedSipPeer : IDisposable
{
    private readonly UdpClient _socket = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly List<string> _requests = [];
    private readonly int _finalStatus;
    private readonly int? _earlyMediaPort;
    private readonly CancellationTokenSource _stop = new();

    /// <param name="finalStatus">The final response to INVITE (486, 603...), or 0 to ring until cancelled.</param>
    /// <param name="earlyMediaPort">When set, the INVITE gets 183 Session Progress with an SDP answer whose audio is at this loopback port (PCMU), instead of 180.</param>
    public ScriptedSipPeer(int finalStatus, int? earlyMediaPort = null)
    {
        _finalStatus = finalStatus;
        _earlyMediaPort = earlyMediaPort;
        _ = Task.Run(LoopAsync);
    }

    public string Uri => $"sip:peer@127.0.0.1:{Port}";

    public int Port => ((IPEndPoint)_socket.Client.LocalEndPoint!).Port;

    public IReadOnlyList<string> Methods
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests.Select(r => r[..r.IndexOf(' ', StringComparison.Ordinal)])];
            }
        }
    }

    private async Task LoopAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var datagram = await _socket.ReceiveAsync(_stop.Token);
                var text = Encoding.UTF8.GetString(datagram.Buffer);
                if (text.StartsWith("SIP/2.0", StringComparison.Ordinal))
                {
                    continue;
                }

                lock (_requests)
                {
                    _requests.Add(text);
                }

                var method = text[..text.IndexOf(' ', StringComparison.Ordinal)];
                switch (method)
                {
                    case "INVITE":
                        await ReplyAsync(text, 100, "Trying", datagram.RemoteEndPoint);
                        if (_earlyMediaPort is { } port)
                        {
                            var sdp = $"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio {port} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
                            await ReplyAsync(text, 183, "Session Progress", datagram.RemoteEndPoint, tag: true, extra: "Content-Type: application/sdp\r\n", body: sdp);
                        }
                        else
                        {
                            await ReplyAsync(text, 180, "Ringing", datagram.RemoteEndPoint, tag: true);
                        }

                        if (_finalStatus > 0)
                        {
                            await ReplyAsync(text, _finalStatus, "Busy Here", datagram.RemoteEndPoint, tag: true);
                        }

                        break;
                    case "REGISTER":
                        await AnswerRegisterAsync(text, datagram.RemoteEndPoint);
                        break;
                    case "CANCEL":
                        await ReplyAsync(text, 200, "OK", datagram.RemoteEndPoint);
                        var invite = LastInvite();
                        await ReplyAsync(invite, 487, "Request Terminated", datagram.RemoteEndPoint, tag: true);
                        break;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>
    /// A registrar for user "1001", password "pw", realm "trunk.test": challenges a REGISTER without
    /// credentials (MD5, qop=auth) and accepts one whose digest response checks out.
    /// </summary>
    private async Task AnswerRegisterAsync(string request, IPEndPoint to)
    {
        var authorization = HeaderRegex("Authorization").Match(request);
        if (!authorization.Success)
        {
            await ReplyAsync(request, 401, "Unauthorized", to, tag: true, extra: "WWW-Authenticate: Digest realm=\"trunk.test\", nonce=\"n0nce42\", qop=\"auth\", algorithm=MD5\r\n");
            return;
        }

        var fields = Regex.Matches(authorization.Groups[1].Value.Trim(), "(\\w+)=\"?([^\",]*)\"?").ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        var ha1 = Md5("1001:trunk.test:pw");
        var ha2 = Md5($"REGISTER:{fields["uri"]}");
        var expected = Md5($"{ha1}:n0nce42:{fields["nc"]}:{fields["cnonce"]}:auth:{ha2}");
        if (fields["response"] != expected)
        {
            await ReplyAsync(request, 403, "Forbidden", to, tag: true);
            return;
        }

        var expires = HeaderRegex("Expires").Match(request).Groups[1].Value.Trim();
        var contact = HeaderRegex("Contact").Match(request).Groups[1].Value.Trim();
        await ReplyAsync(request, 200, "OK", to, tag: true, extra: $"Contact: {contact};expires={expires}\r\n");
    }

    private static string Md5(string text)
        => Convert.ToHexString(System.Security.Cryptography.MD5.HashData(Encoding.UTF8.GetBytes(text))).ToLowerInvariant();

    /// <summary>Requests received so far, as text.</summary>
    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    private string LastInvite()
    {
        lock (_requests)
        {
            return _requests.Last(r => r.StartsWith("INVITE", StringComparison.Ordinal));
        }
    }

    /// <summary>A response copying Via, From, To (with our tag), Call-ID and CSeq (RFC 3261 §8.2.6.2).</summary>
    private async Task ReplyAsync(string request, int status, string reason, IPEndPoint to, bool tag = false, string extra = "", string body = "")
    {
        var response = new StringBuilder($"SIP/2.0 {status} {reason}\r\n");
        foreach (var name in new[] { "Via", "From", "To", "Call-ID", "CSeq" })
        {
            var value = HeaderRegex(name).Match(request).Groups[1].Value.Trim();
            if (name == "To" && tag && !value.Contains(";tag=", StringComparison.Ordinal))
            {
                value += ";tag=peer1";
            }

            response.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        response.Append(extra).Append("Content-Length: ").Append(Encoding.UTF8.GetByteCount(body)).Append("\r\n\r\n").Append(body);
        var bytes = Encoding.UTF8.GetBytes(response.ToString());
        await _socket.SendAsync(bytes, to);
    }

    private static Regex HeaderRegex(string name) => new($"^{Regex.Escape(name)}:(.*)$", RegexOptions.Multiline | RegexOptions.IgnoreCase);

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        _stop.Dispose();
    }
}
