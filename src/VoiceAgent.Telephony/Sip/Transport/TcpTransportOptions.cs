namespace VoiceAgent.Telephony.Sip.Transport;

/// <summary>Limits of the TCP transport; each one bounds what a single peer can hold or make us wait for.</summary>
/// <param name="MaxConnections">Inbound connections at most; more are refused at accept. Outbound connections (to trunks, to callees) have a budget of the same size of their own, so inbound peers can never use it up.</param>
/// <param name="IdleTimeout">A connection that carried no whole message (nor a CRLF keep-alive, RFC 5626) this long is closed; stray bytes do not count.</param>
/// <param name="ConnectTimeout">How long opening a connection to a peer may take before its sends count as failed.</param>
/// <param name="MaxConnectionsPerAddress">Inbound connections from one IP address at most; more are closed at accept.</param>
/// <param name="SendTimeout">One message's write may take this long; a peer that reads slower is closed.</param>
/// <param name="MessageTimeout">A message (headers and body) must be whole this long after its first byte arrived (slowloris).</param>
public sealed record TcpTransportOptions(
    int MaxConnections = 1024,
    TimeSpan? IdleTimeout = null,
    TimeSpan? ConnectTimeout = null,
    int MaxConnectionsPerAddress = 32,
    TimeSpan? SendTimeout = null,
    TimeSpan? MessageTimeout = null)
{
    public TimeSpan Idle => IdleTimeout ?? TimeSpan.FromMinutes(5);

    public TimeSpan Connect => ConnectTimeout ?? TimeSpan.FromSeconds(5);

    public TimeSpan Send => SendTimeout ?? TimeSpan.FromSeconds(10);

    public TimeSpan Message => MessageTimeout ?? TimeSpan.FromSeconds(10);

    /// <summary>Messages waiting to be written on one connection at most; one more closes it (its peer does not read).</summary>
    public int MaxQueuedMessages { get; init; } = 128;

    /// <summary>Bytes waiting to be written on one connection at most (at least one largest message, 64 KiB).</summary>
    public int MaxQueuedBytes { get; init; } = 512 * 1024;
}
