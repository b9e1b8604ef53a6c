using VoiceAgent.Host.Configuration;

namespace VoiceAgent.Host.Calls;

/// <summary>
/// The embedded default's behaviour when no application is configured: after the greeting, say
/// back every key pressed ("you pressed five"); '#' says goodbye and hangs up. A key press
/// interrupts what is being said (DTMF barge-in).
/// </summary>
internal sealed class DemoCallScript(InboundSettings settings, CallContext call)
{
    public async Task RunAsync(Task<SayResult> greeting, CancellationToken cancellationToken)
    {
        var current = greeting;
        try
        {
            await foreach (var signal in call.Signals.ReadAllAsync(call.Ended))
            {
                if (signal.Kind != CallSignalKind.Digit)
                {
                    continue;
                }

                call.Speaker.Interrupt();
                await current;
                if (signal.Digit == '#')
                {
                    await call.Speaker.SayAsync(settings.Goodbye, call.Ended);
                    await call.Call.HangupAsync(cancellationToken);
                    return;
                }

                current = call.Speaker.SayAsync($"You pressed {DigitWords.Name(signal.Digit)}.", call.Ended);
            }
        }
        catch (OperationCanceledException) when (call.Ended.IsCancellationRequested)
        {
            // The caller hung up.
        }

        await current;
    }
}
