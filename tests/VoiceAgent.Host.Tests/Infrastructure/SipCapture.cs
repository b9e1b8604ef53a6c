namespace VoiceAgent.Host.Tests.Infrastructure;

/// <summary>tshark on the loopback interface, decoding SIP on one port over UDP and TCP: which transport each message really took.</summary>
internal sealed class SipCapture : IAsyncDisposable
{
    private readonly List<CapturedSipMessage> _messages = [];
    private TsharkProcess? _tshark;

    private SipCapture()
    {
    }

    /// <summary>Starts capturing SIP to and from <paramref name="port"/>; returns once tshark listens.</summary>
    public static async Task<SipCapture> StartAsync(int port)
    {
        var capture = new SipCapture();
        capture._tshark = await TsharkProcess.StartAsync(
            [
                "-f", $"port {port}", "-d", $"tcp.port=={port},sip", "-d", $"udp.port=={port},sip", "-Y", "sip",
                "-T", "fields", "-E", "separator=|", "-e", "frame.protocols", "-e", "sip.Method", "-e", "sip.Status-Code", "-e", "sip.CSeq.method",
            ],
            capture.OnLine);
        return capture;
    }

    public IReadOnlyList<CapturedSipMessage> Messages
    {
        get
        {
            lock (_messages)
            {
                return [.. _messages];
            }
        }
    }

    private void OnLine(string line)
    {
        var f = line.Split('|');
        if (f is not { Length: >= 4 })
        {
            return;
        }

        // Several messages in one TCP segment come out as comma-separated values of each field.
        var transport = f[0].Contains(":tcp:", StringComparison.Ordinal) ? "tcp" : "udp";
        var methods = f[1].Split(',', StringSplitOptions.RemoveEmptyEntries);
        var statuses = f[2].Split(',', StringSplitOptions.RemoveEmptyEntries);
        var cseqs = f[3].Split(',', StringSplitOptions.RemoveEmptyEntries);
        lock (_messages)
        {
            _messages.AddRange(methods.Select(m => new CapturedSipMessage(transport, m, null)));
            _messages.AddRange(statuses.Select((s, i) => new CapturedSipMessage(transport, i < cseqs.Length ? cseqs[i] : "?", int.Parse(s, System.Globalization.CultureInfo.InvariantCulture))));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_tshark is not null)
        {
            await _tshark.DisposeAsync();
        }
    }
}

/// <summary>One SIP message on the wire: "tcp" or "udp", its method (a response's CSeq method), and a response's status.</summary>
internal sealed record CapturedSipMessage(string Transport, string Method, int? Status)
{
    public override string ToString() => $"{Transport} {(Status is { } s ? $"{s} ({Method})" : Method)}";
}
