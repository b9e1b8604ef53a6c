using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace VoiceAgent.Host.Applications.Webhooks;

/// <summary>
/// Signs webhook requests so an application can tell they came from this host and are fresh:
/// header <c>X-VoiceAgent-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(secret, "t.body")&gt;</c>.
/// The timestamp is inside the MAC, so a captured request cannot be replayed later with a new time.
/// </summary>
internal sealed class WebhookSigner(byte[] secret)
{
    public const string HeaderName = "X-VoiceAgent-Signature";

    public string Sign(long unixSeconds, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.ASCII.GetBytes(unixSeconds.ToString(CultureInfo.InvariantCulture) + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        var mac = HMACSHA256.HashData(secret, signed);
        return string.Create(CultureInfo.InvariantCulture, $"t={unixSeconds},v1={Convert.ToHexString(mac).ToLowerInvariant()}");
    }

    /// <summary>Checks a header the way an application should: same MAC, timestamp within <paramref name="tolerance"/>.</summary>
    public bool Verify(string header, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan tolerance)
    {
        long? timestamp = null;
        string? mac = null;
        foreach (var part in header.Split(','))
        {
            var pair = part.Split('=', 2);
            if (pair.Length != 2)
            {
                continue;
            }

            if (pair[0] == "t" && long.TryParse(pair[1], NumberStyles.None, CultureInfo.InvariantCulture, out var t))
            {
                timestamp = t;
            }
            else if (pair[0] == "v1")
            {
                mac = pair[1];
            }
        }

        if (timestamp is not { } ts || mac is null || Math.Abs(now.ToUnixTimeSeconds() - ts) > tolerance.TotalSeconds)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(ts, body));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes($"t={ts},v1={mac}"));
    }
}
