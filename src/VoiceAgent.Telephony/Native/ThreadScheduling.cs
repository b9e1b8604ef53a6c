using System.Runtime.InteropServices;

namespace VoiceAgent.Telephony.Native;

/// <summary>
/// Raises the calling thread's scheduling class on Linux: .NET's ThreadPriority does not change
/// scheduling there, so without this a media clock thread competes as an equal with the synthesizer.
/// A nice value (setpriority on the thread id) weighs its share; SCHED_FIFO (sched_setscheduler on the
/// thread id) makes it preempt every normal thread the moment its sleep ends. Real-time needs
/// CAP_SYS_NICE and RT budget in the cgroup; refused, the nice value alone applies.
/// </summary>
internal static partial class ThreadScheduling
{
    private const int PrioProcess = 0;
    private const int SchedOther = 0;
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

    /// <summary>The calling thread's kernel id (for the switches below).</summary>
    public static int CurrentThreadId() => OperatingSystem.IsLinux() ? GetTid() : 0;

    /// <summary>
    /// Gives the calling thread nice value <paramref name="nice"/>, then tries real-time priority
    /// <paramref name="realTimePriority"/> (1-99; 0 skips it); says which applied. The nice value stays
    /// underneath: the kernel keeps it when the thread goes back to normal scheduling.
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
            var niced = SetPriority(PrioProcess, tid, nice) == 0;
            if (realTimePriority > 0 && TryEnterRealTime(tid, realTimePriority))
            {
                return ThreadSchedulingClass.RealTime;
            }

            return niced ? ThreadSchedulingClass.Nice : ThreadSchedulingClass.Default;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return ThreadSchedulingClass.Default;
        }
    }

    /// <summary>Puts thread <paramref name="tid"/> under SCHED_FIFO at <paramref name="priority"/>.</summary>
    public static bool TryEnterRealTime(int tid, int priority) => SetScheduler(tid, SchedFifo, new SchedParam { Priority = priority }) == 0;

    /// <summary>Puts thread <paramref name="tid"/> back under normal scheduling (SCHED_OTHER), at its nice value.</summary>
    public static void LeaveRealTime(int tid) => SetScheduler(tid, SchedOther, default);
}
