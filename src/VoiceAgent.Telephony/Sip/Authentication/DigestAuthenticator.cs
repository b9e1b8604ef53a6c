using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace VoiceAgent.Telephony.Sip.Authentication;

/// <summary>
/// Answers Digest challenges as a client (RFC 3261 §22.4 with RFC 2617 §3.2.2, RFC 7616 §3.4 and
/// RFC 8760 for SHA-256): <c>response = H(H(A1):nonce:nc:cnonce:qop:H(A2))</c> with qop=auth, or
/// <c>H(H(A1):nonce:H(A2))</c> for challenges without qop. The nonce count goes up per nonce.
/// </summary>
public sealed class DigestAuthenticator
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _nonceCounts = new(StringComparer.Ordinal);
    private readonly Func<string> _newCnonce;

    public DigestAuthenticator(Func<string>? cnonce = null)
        => _newCnonce = cnonce ?? (() => Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant());

    /// <summary>True for the algorithms we can answer.</summary>
    public static bool Supports(DigestChallenge challenge) => challenge.Algorithm is "MD5" or "MD5-SESS" or "SHA-256" or "SHA-256-SESS"
        && (challenge.QopOptions.Count == 0 || challenge.QopOptions.Contains("auth"));

    /// <summary>The value of the Authorization / Proxy-Authorization header for <paramref name="method"/> on <paramref name="uri"/>.</summary>
    public string Authorize(DigestChallenge challenge, DigestCredentials credentials, string method, string uri)
    {
        if (!Supports(challenge))
        {
            throw new NotSupportedException($"Digest algorithm {challenge.Algorithm} with qop '{string.Join(",", challenge.QopOptions)}' is not supported.");
        }

        var sha256 = challenge.Algorithm.StartsWith("SHA-256", StringComparison.Ordinal);
        var session = challenge.Algorithm.EndsWith("-SESS", StringComparison.Ordinal);
        var cnonce = _newCnonce();
        var ha1 = Hash(sha256, $"{credentials.Username}:{challenge.Realm}:{credentials.Password}");
        if (session)
        {
            ha1 = Hash(sha256, $"{ha1}:{challenge.Nonce}:{cnonce}");
        }

        var ha2 = Hash(sha256, $"{method}:{uri}");
        var header = new StringBuilder("Digest ");
        header.Append(CultureInfo.InvariantCulture, $"username=\"{Quote(credentials.Username)}\", realm=\"{Quote(challenge.Realm)}\", nonce=\"{Quote(challenge.Nonce)}\", uri=\"{Quote(uri)}\"");
        string response;
        if (challenge.QopOptions.Contains("auth"))
        {
            var nc = NextNonceCount(challenge.Nonce).ToString("x8", CultureInfo.InvariantCulture);
            response = Hash(sha256, $"{ha1}:{challenge.Nonce}:{nc}:{cnonce}:auth:{ha2}");
            header.Append(CultureInfo.InvariantCulture, $", response=\"{response}\", algorithm={challenge.Algorithm switch { "MD5-SESS" => "MD5-sess", "SHA-256-SESS" => "SHA-256-sess", var a => a }}, cnonce=\"{cnonce}\", qop=auth, nc={nc}");
        }
        else
        {
            response = Hash(sha256, $"{ha1}:{challenge.Nonce}:{ha2}");
            header.Append(CultureInfo.InvariantCulture, $", response=\"{response}\", algorithm={challenge.Algorithm}");
        }

        if (challenge.Opaque is { } opaque)
        {
            header.Append(CultureInfo.InvariantCulture, $", opaque=\"{Quote(opaque)}\"");
        }

        return header.ToString();
    }

    private int NextNonceCount(string nonce)
    {
        lock (_gate)
        {
            var count = _nonceCounts.GetValueOrDefault(nonce) + 1;
            if (_nonceCounts.Count > 1000)
            {
                _nonceCounts.Clear();
            }

            _nonceCounts[nonce] = count;
            return count;
        }
    }

    private static string Hash(bool sha256, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return Convert.ToHexString(sha256 ? SHA256.HashData(bytes) : MD5.HashData(bytes)).ToLowerInvariant();
    }

    private static string Quote(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
