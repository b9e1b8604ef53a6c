namespace VoiceAgent.Host.Calls;

/// <summary>
/// One instruction of a call's application, opaque to Calls: the verbs themselves (say, play,
/// gather...) live in Applications, which runs them through <see cref="ICallApplications"/>.
/// </summary>
internal interface ICallVerb
{
    string Name { get; }
}
