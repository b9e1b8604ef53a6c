using System.Security.Cryptography;

namespace VoiceAgent.Telephony.Sip.Messages;

/// <summary>Random tags and branches (RFC 3261 §19.3: globally unique, cryptographically random).</summary>
internal static class SipTokens
{
    /// <summary>A From/To tag.</summary>
    public static string NewTag() => Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant();

    /// <summary>A Via branch with the RFC 3261 magic cookie (§8.1.1.7).</summary>
    public static string NewBranch() => "z9hG4bK" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();
}
