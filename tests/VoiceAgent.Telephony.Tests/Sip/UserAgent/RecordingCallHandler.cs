using System.Threading.Channels;
using VoiceAgent.Telephony.Sip.UserAgent;

namespace VoiceAgent.Telephony.Tests.Sip.UserAgent;

/// <summary>Hands each incoming call to the test and keeps it open until the call ends.</summary>
internal sealed class RecordingCallHandler : IIncomingCallHandler
{
    private readonly Channel<IncomingCall> _calls = Channel.CreateUnbounded<IncomingCall>();

    public async Task OnIncomingCallAsync(IncomingCall call, CancellationToken cancellationToken)
    {
        _calls.Writer.TryWrite(call);
        await call.Completion;
    }

    public async Task<IncomingCall> NextCallAsync()
    {
        using var timeout = new CancellationTokenSource(5000);
        return await _calls.Reader.ReadAsync(timeout.Token);
    }
}
