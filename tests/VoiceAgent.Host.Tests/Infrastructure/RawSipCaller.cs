using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Channels;

namespace VoiceAgent.Host.Tests.Infrastructure;

/// <summary>
/// A caller on loopback UDP that speaks SIP by hand: one dialog (INVITE, ACK, in-dialog requests
/// such as INFO, BYE), answering the host's own BYE. For attacks a real phone will not make, such as
/// thousands of INFOs in one call. Its SDP names a loopback port nobody reads.
/// </summary>
internal sealed class RawSipCaller : IDisposable
{
    private readonly UdpClient _socket = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly IPEndPoint _host;
    private readonly string _callId = Guid.NewGuid().ToString("N") + "@127.0.0.1";
    private readonly string _fromTag = Guid.NewGuid().ToString("N")[..8];

    // Everything the host sends, in order: capacity 4096, Wait (the reader is the test, which reads until it finds its response).
    private readonly Channel<string> _received = Channel.CreateBounded<string>(new BoundedChannelOptions(4096) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private string _to = string.Empty;
    private int _cseq;

    public RawSipCaller(IPEndPoint host)
    {
        _host = host;
        _loop = Task.Run(ReceiveLoopAsync);
    }

    private int Port => ((IPEndPoint)_socket.Client.LocalEndPoint!).Port;

    /// <summary>Requests the host sent in the dialog (BYE), answered 200 by this caller.</summary>
    public Channel<string> HostRequests { get; } = Channel.CreateBounded<string>(16);

    /// <summary>Sends an INVITE for <paramref name="user"/>; on 200 sends the ACK. Returns the final status.</summary>
    public async Task<int> CallAsync(string user, TimeSpan timeout)
    {
        _to = $"<sip:{user}@127.0.0.1:{_host.Port}>";
        var cseq = ++_cseq;
        var sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n";
        await SendAsync(Request("INVITE", cseq, NewBranch(), "Content-Type: application/sdp\r\n", sdp));
        var response = await FinalResponseAsync(cseq, "INVITE", timeout);
        var status = StatusOf(response);
        if (status == 200)
        {
            _to = HeaderRegex("To").Match(response).Groups[1].Value.Trim();
            await SendAsync(Request("ACK", cseq, NewBranch()));
        }

        return status;
    }

    /// <summary>Sends one in-dialog request and returns its final status.</summary>
    public async Task<int> SendAsync(string method, TimeSpan timeout, string contentType = "", string body = "")
    {
        var cseq = ++_cseq;
        await SendAsync(Request(method, cseq, NewBranch(), contentType.Length == 0 ? string.Empty : $"Content-Type: {contentType}\r\n", body));
        return StatusOf(await FinalResponseAsync(cseq, method, timeout));
    }

    /// <summary>A key as SIP INFO (application/dtmf-relay, as many PBXs send it).</summary>
    public Task<int> InfoDigitAsync(char key, TimeSpan timeout)
        => SendAsync("INFO", timeout, "application/dtmf-relay", $"Signal={key}\r\nDuration=160\r\n");

    private async Task<string> FinalResponseAsync(int cseq, string method, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            var message = await _received.Reader.ReadAsync(deadline.Token);
            if (message.StartsWith("SIP/2.0 ", StringComparison.Ordinal) && StatusOf(message) >= 200
                && HeaderRegex("CSeq").Match(message).Groups[1].Value.Trim() == $"{cseq} {method}")
            {
                return message;
            }
        }
    }

    private async Task ReceiveLoopAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var datagram = await _socket.ReceiveAsync(_stop.Token);
                var text = Encoding.UTF8.GetString(datagram.Buffer);
                if (text.StartsWith("SIP/2.0 ", StringComparison.Ordinal))
                {
                    await _received.Writer.WriteAsync(text, _stop.Token);
                }
                else if (!text.StartsWith("ACK ", StringComparison.Ordinal))
                {
                    await SendAsync(Reply(text, 200, "OK"));
                    HostRequests.Writer.TryWrite(text);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    private string Request(string method, int cseq, string branch, string extra = "", string body = "")
        => $"{method} sip:bot@127.0.0.1:{_host.Port} SIP/2.0\r\n" +
           $"Via: SIP/2.0/UDP 127.0.0.1:{Port};branch={branch};rport\r\n" +
           "Max-Forwards: 70\r\n" +
           $"From: <sip:raw@127.0.0.1:{Port}>;tag={_fromTag}\r\n" +
           $"To: {_to}\r\n" +
           $"Call-ID: {_callId}\r\n" +
           $"CSeq: {cseq.ToString(CultureInfo.InvariantCulture)} {method}\r\n" +
           $"Contact: <sip:raw@127.0.0.1:{Port}>\r\n" +
           extra +
           $"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}";

    private static string Reply(string request, int status, string reason)
    {
        var response = new StringBuilder($"SIP/2.0 {status} {reason}\r\n");
        foreach (var name in new[] { "Via", "From", "To", "Call-ID", "CSeq" })
        {
            response.Append(name).Append(": ").Append(HeaderRegex(name).Match(request).Groups[1].Value.Trim()).Append("\r\n");
        }

        return response.Append("Content-Length: 0\r\n\r\n").ToString();
    }

    private async Task SendAsync(string message) => await _socket.SendAsync(Encoding.UTF8.GetBytes(message), _host);

    private static string NewBranch() => "z9hG4bK" + Guid.NewGuid().ToString("N")[..12];

    private static int StatusOf(string response) => int.Parse(response.AsSpan(8, 3), CultureInfo.InvariantCulture);

    private static Regex HeaderRegex(string name) => new($"^{Regex.Escape(name)}:(.*)$", RegexOptions.Multiline | RegexOptions.IgnoreCase);

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        _loop.Wait(TimeSpan.FromSeconds(2));
        _stop.Dispose();
    }
}
