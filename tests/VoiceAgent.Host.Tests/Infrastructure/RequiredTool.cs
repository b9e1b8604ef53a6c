namespace VoiceAgent.Host.Tests.Infrastructure;

/// <summary>
/// End-to-end tests need real Debian programs. A missing one fails the test with the install
/// line (TESTING.md: no silent skips); the README's set-up installs them.
/// </summary>
internal static class RequiredTool
{
    public static string Find(string program, string debianPackage)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(':'))
        {
            var candidate = Path.Combine(dir, program);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"'{program}' is required by this test: apt-get install {debianPackage} (or run scripts/setup.sh as root).");
    }
}
