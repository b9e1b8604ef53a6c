namespace VoiceAgent.Telephony.Tests.Sip.Fuzzing;

/// <summary>What one fuzz run did: inputs by path, what the parser and framer made of them, what the agent answered, and memory.</summary>
/// <param name="Inputs">Mutated messages generated.</param>
/// <param name="Datagrams">Inputs delivered as UDP datagrams.</param>
/// <param name="TcpFrames">Messages the TCP framer cut out of the inputs streamed over connections.</param>
/// <param name="Parsed">Datagrams and frames the parser accepted.</param>
/// <param name="ConnectionsClosed">TCP streams the framer refused (the connection would be closed).</param>
/// <param name="Sent">Messages the user agent sent back (answers, retransmissions).</param>
/// <param name="AgentErrors">Messages that made the user agent throw (must be zero).</param>
/// <param name="PeakManagedBytes">Largest managed heap seen (sampled every 10,000 inputs).</param>
/// <param name="PeakWorkingSetBytes">The process's peak resident memory (VmHWM).</param>
/// <param name="SettledManagedBytes">Managed heap after the run and a full collection.</param>
/// <param name="WarmManagedBytes">Managed heap after a full collection at a tenth of the run (the baseline for growth).</param>
internal sealed record SipFuzzResult(
    long Inputs,
    long Datagrams,
    long TcpFrames,
    long Parsed,
    long ConnectionsClosed,
    long Sent,
    int AgentErrors,
    IReadOnlyList<string> FirstErrors,
    TimeSpan Elapsed,
    long PeakManagedBytes,
    long PeakWorkingSetBytes,
    long SettledManagedBytes,
    long WarmManagedBytes);
