using System.Globalization;
using VoiceAgent.Telephony.Tests.Sip.Fuzzing;

namespace VoiceAgent.Bench;

/// <summary>
/// <c>fuzz [count=1000000] [seed=4475]</c>: mutated RFC 4475 messages and fragments over UDP and
/// TCP framing through the parser and one user agent (the driver the tests sample with a fixed seed),
/// reporting count, time, rate, what the agent made of them and peak memory.
/// </summary>
internal static class FuzzBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var count = args.Length > 1 ? long.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000;
        var seed = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 4475;
        var corpus = SipMutator.LoadCorpus(Path.Combine(AppContext.BaseDirectory, "TestData", "rfc4475"));
        Console.WriteLine($"fuzz: {count:N0} inputs, seed {seed}, {corpus.Length} RFC 4475 messages, {Environment.ProcessorCount} cores, server GC {System.Runtime.GCSettings.IsServerGC}");

        var result = await SipFuzzer.RunAsync(corpus, count, seed, TimeSpan.MaxValue);

        const double MiB = 1024 * 1024;
        Console.WriteLine($"inputs               {result.Inputs:N0} ({result.Datagrams:N0} as UDP datagrams, the rest streamed over 8 TCP connections)");
        Console.WriteLine($"tcp frames           {result.TcpFrames:N0}; streams refused by the framer {result.ConnectionsClosed:N0}");
        Console.WriteLine($"parsed               {result.Parsed:N0} (delivered to the user agent with the rest as parse errors)");
        Console.WriteLine($"sent by the agent    {result.Sent:N0}");
        Console.WriteLine($"agent failures       {result.AgentErrors}{(result.FirstErrors.Count > 0 ? ": " + result.FirstErrors[0] : string.Empty)}");
        Console.WriteLine($"time                 {result.Elapsed.TotalSeconds:F1} s ({result.Inputs / result.Elapsed.TotalSeconds:N0} inputs/s)");
        Console.WriteLine($"managed heap         peak {result.PeakManagedBytes / MiB:F1} MiB; after a collection at 10% {result.WarmManagedBytes / MiB:F1} MiB, at the end {result.SettledManagedBytes / MiB:F1} MiB");
        Console.WriteLine($"peak resident (VmHWM) {result.PeakWorkingSetBytes / MiB:F1} MiB");
        return result.AgentErrors == 0 ? 0 : 1;
    }
}
