using Microsoft.Extensions.Logging;
using VoiceAgent.Telephony.Sip.UserAgent;

namespace VoiceAgent.Telephony.Tests.Sip.Fuzzing;

/// <summary>The user agent's logger during fuzzing: counts errors (a message that made the agent throw) and keeps the first few.</summary>
internal sealed class FailureCountingLogger(Func<string?>? context = null) : ILogger<SipUserAgent>
{
    private readonly List<string> _first = [];
    private int _errors;

    public int Errors => Volatile.Read(ref _errors);

    public IReadOnlyList<string> FirstErrors
    {
        get
        {
            lock (_first)
            {
                return [.. _first];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (logLevel < LogLevel.Error)
        {
            return;
        }

        Interlocked.Increment(ref _errors);
        lock (_first)
        {
            if (_first.Count < 5)
            {
                _first.Add($"{formatter(state, exception)} {exception?.GetType().Name}: {exception?.Message} {exception?.StackTrace?.Split('\n').FirstOrDefault()?.Trim()} on: {context?.Invoke()}");
            }
        }
    }
}
