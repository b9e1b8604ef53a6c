using System.Diagnostics;

namespace VoiceAgent.Host.Tests.Infrastructure;

/// <summary>Ending a peer process the tests started (baresip, Kamailio) and removing its working directory.</summary>
internal static class ChildProcess
{
    /// <summary>Kills the process with its children (Kamailio forks one per listener) and deletes <paramref name="directory"/>.</summary>
    public static async ValueTask StopAsync(Process process, string directory)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
