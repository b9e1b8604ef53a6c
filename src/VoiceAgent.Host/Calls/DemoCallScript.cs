using VoiceAgent.Host.Configuration;
using VoiceAgent.Telephony.Media;
using VoiceAgent.Telephony.Sip.UserAgent;

namespace VoiceAgent.Host.Calls;

/// <summary>
/// The embedded default's behaviour: after the greeting, say back every key pressed ("you pressed
/// five"); '#' says goodbye and hangs up. A key press interrupts what is being said (DTMF barge-in).
/// </summary>
internal sealed class DemoCallScript(InboundSettings settings, CallSpeaker speaker, ILogger logger)
{
    public async Task RunAsync(IncomingCall call, RtpStream stream, Task<string> greeting, CancellationToken cancellationToken)
    {
        Task<string> current = greeting;
        try
        {
            await foreach (var digit in stream.Digits.ReadAllAsync(call.Ended))
            {
                HostLog.DtmfReceived(logger, digit.Digit, digit.DurationMs);
                speaker.Interrupt();
                await current;
                if (digit.Digit == '#')
                {
                    await speaker.SayAsync(settings.Goodbye, call.Ended);
                    await call.HangupAsync(cancellationToken);
                    return;
                }

                current = speaker.SayAsync($"You pressed {DigitWords.Name(digit.Digit)}.", call.Ended);
            }
        }
        catch (OperationCanceledException) when (call.Ended.IsCancellationRequested)
        {
            // The caller hung up.
        }

        await current;
    }
}
