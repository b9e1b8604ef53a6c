using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Telephony.Sip.Messages;
using VoiceAgent.Telephony.Sip.Transactions;
using VoiceAgent.Telephony.Sip.UserAgent;

namespace VoiceAgent.Telephony.Tests.Sip.UserAgent;

/// <summary>A user agent running on an in-memory transport with short timers, for the tests of one class.</summary>
public abstract class InMemoryAgentTest : IAsyncLifetime
{
    protected const string Sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    private protected InMemorySipTransport Transport { get; } = new() { CarriesTcp = true };

    private protected RecordingCallHandler Handler { get; } = new();

    private protected SipUserAgent Agent { get; private set; } = null!;

    /// <summary>T1 20 ms, T2 80 ms: retransmissions and timeouts in milliseconds, not seconds.</summary>
    protected virtual SipUserAgentOptions Options => new("127.0.0.1", 5060)
    {
        Timers = new SipTimerOptions { T1 = TimeSpan.FromMilliseconds(20), T2 = TimeSpan.FromMilliseconds(80) },
    };

    /// <summary>A response to <paramref name="request"/> as the peer would send it (Via, From, To+tag, Call-ID, CSeq copied).</summary>
    private protected static string Response(SipRequest request, int status, string reason, string? toTag = "b1", string body = "", string extra = "")
    {
        var to = toTag is null ? request.To : $"{request.To};tag={toTag}";
        return $"SIP/2.0 {status} {reason}\r\nVia: {request.TopVia}\r\nFrom: {request.From}\r\nTo: {to}\r\nCall-ID: {request.CallId}\r\n" +
               $"CSeq: {request.Headers.Get("CSeq")}\r\n{extra}Content-Length: {body.Length}\r\n\r\n{body}";
    }

    public Task InitializeAsync()
    {
        Agent = new SipUserAgent(Transport, Options, Handler, TimeProvider.System, NullLogger<SipUserAgent>.Instance);
        _loop = Agent.RunAsync(_stop.Token);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
    }
}
