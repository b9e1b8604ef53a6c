using System.Runtime.InteropServices;

namespace VoiceAgent.Telephony.Native;

/// <summary>
/// Raises the calling thread's scheduling class on Linux: .NET's ThreadPriority does not change
/// scheduling there, so without this a media clock thread competes as an equal with the synthesizer.
/// First choice is SCHED_FIFO (sched_setscheduler on the thread id): a real-time thread preempts every
/// normal thread the moment its sleep ends. When that is refused (no CAP_SYS_NICE, no RT budget in the
/// cgroup) it falls back to a nice value (setpriority on the thread id), which only weighs the share.
/// </summary>
internal static partial class ThreadScheduling
{
    private const int PrioProcess = 0;
    private const int SchedFifo = 1;

    [StructLayout(LayoutKind.Sequential)]
    private struct SchedParam
    {
        public int Priority;
    }

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetTid();

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, int who, int priority);

    [LibraryImport("libc", EntryPoint = "sched_setscheduler", SetLastError = true)]
    private static partial int SetScheduler(int pid, int policy, in SchedParam param);

    /// <summary>
    /// Gives the calling thread real-time priority <paramref name="realTimePriority"/> (1-99; 0 skips
    /// it), else nice value <paramref name="nice"/>; says which applied.
    /// </summary>
    public static ThreadSchedulingClass TryRaiseCurrentThread(int realTimePriority, int nice)
    {
        if (!OperatingSystem.IsLinux())
        {
            return ThreadSchedulingClass.Default;
        }

        try
        {
            var tid = GetTid();
            if (realTimePriority > 0 && SetScheduler(tid, SchedFifo, new SchedParam { Priority = realTimePriority }) == 0)
            {
                return ThreadSchedulingClass.RealTime;
            }

            return SetPriority(PrioProcess, tid, nice) == 0 ? ThreadSchedulingClass.Nice : ThreadSchedulingClass.Default;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return ThreadSchedulingClass.Default;
        }
    }
}
