using System.Diagnostics;

namespace VoiceAgent.Host.Tests.Infrastructure;

/// <summary>espeak-ng's own rendering of a text (the CLI, converted to 8 kHz by sox): the reference a call's audio is compared with.</summary>
internal static class EspeakReference
{
    public static WavFile Render(string text, string voice)
    {
        RequiredTool.Find("espeak-ng", "espeak-ng");
        RequiredTool.Find("sox", "sox");
        var dir = Directory.CreateTempSubdirectory("voiceagent-ref-").FullName;
        try
        {
            var raw = Path.Combine(dir, "ref.wav");
            var narrow = Path.Combine(dir, "ref8k.wav");
            Run("espeak-ng", "-v", voice, "-w", raw, text);
            Run("sox", raw, "-r", "8000", "-c", "1", "-b", "16", narrow);
            return WavFile.Read(narrow);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static void Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(30_000) || process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} failed: {error}");
        }
    }
}
