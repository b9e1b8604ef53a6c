using Microsoft.Extensions.Logging.Abstractions;
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
