using System.Runtime.InteropServices;

namespace VoiceAgent.Telephony.Native;

/// <summary>
/// Raises the calling thread's CPU share on Linux (nice value per thread, setpriority on its tid):
/// .NET's ThreadPriority does not change scheduling there, so a media clock thread competes as an
/// equal with the synthesizer. Needs CAP_SYS_NICE (root has it); without it nothing changes.
/// </summary>
internal static partial class ThreadScheduling
{
    private const int PrioProcess = 0;

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetTid();

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, int who, int priority);

    /// <summary>Sets the calling thread's nice value; false when not permitted or not Linux.</summary>
    public static bool TryRaiseCurrentThread(int nice)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            return SetPriority(PrioProcess, GetTid(), nice) == 0;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }
}
