namespace VoiceAgent.Telephony.Native;

/// <summary>What <see cref="ThreadScheduling.TryRaiseCurrentThread"/> obtained for a thread.</summary>
internal enum ThreadSchedulingClass
{
    /// <summary>Unchanged: not Linux, or both requests refused.</summary>
    Default,

    /// <summary>A raised nice value (CFS share) only.</summary>
    Nice,

    /// <summary>SCHED_FIFO real-time priority.</summary>
    RealTime,
}
