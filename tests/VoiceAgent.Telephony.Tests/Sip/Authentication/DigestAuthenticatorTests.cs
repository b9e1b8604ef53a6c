using VoiceAgent.Telephony.Sip.Authentication;

namespace VoiceAgent.Telephony.Tests.Sip.Authentication;

/// <summary>Digest answers checked against the worked examples of the RFCs.</summary>
public sealed class DigestAuthenticatorTests
{
    [Fact]
    public void Rfc_2617_section_3_5_md5_with_qop_auth()
    {
        Assert.True(DigestChallenge.TryParse(
            "Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"",
            out var challenge));

        var header = new DigestAuthenticator(() => "0a4f113b").Authorize(challenge!, new DigestCredentials("Mufasa", "Circle Of Life"), "GET", "/dir/index.html");

        Assert.Contains("response=\"6629fae49393a05397450978507c4ef1\"", header, StringComparison.Ordinal);
        Assert.Contains("nc=00000001", header, StringComparison.Ordinal);
        Assert.Contains("qop=auth", header, StringComparison.Ordinal);
        Assert.Contains("opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"", header, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SHA-256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1")]
    [InlineData("MD5", "8ca523f5e9506fed4657c9700eebdbec")]
    public void Rfc_7616_section_3_9_1_sha256_and_md5(string algorithm, string expected)
    {
        Assert.True(DigestChallenge.TryParse(
            $"Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm={algorithm}, nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"",
            out var challenge));

        var header = new DigestAuthenticator(() => "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ").Authorize(challenge!, new DigestCredentials("Mufasa", "Circle of Life"), "GET", "/dir/index.html");

        Assert.Contains($"response=\"{expected}\"", header, StringComparison.Ordinal);
    }

    [Fact]
    public void The_nonce_count_rises_per_nonce_and_a_challenge_without_qop_uses_the_rfc_2069_form()
    {
        Assert.True(DigestChallenge.TryParse("Digest realm=\"sip.example.com\", nonce=\"abc\", qop=\"auth\"", out var withQop));
        Assert.True(DigestChallenge.TryParse("Digest realm=\"sip.example.com\", nonce=\"xyz\"", out var withoutQop));
        var authenticator = new DigestAuthenticator(() => "c");
        var credentials = new DigestCredentials("alice", "secret");

        authenticator.Authorize(withQop!, credentials, "INVITE", "sip:bob@example.com");
        Assert.Contains("nc=00000002", authenticator.Authorize(withQop!, credentials, "INVITE", "sip:bob@example.com"), StringComparison.Ordinal);

        // H(H(A1):nonce:H(A2)), computed independently.
        var ha1 = Md5("alice:sip.example.com:secret");
        var ha2 = Md5("REGISTER:sip:example.com");
        var plain = authenticator.Authorize(withoutQop!, credentials, "REGISTER", "sip:example.com");
        Assert.Contains($"response=\"{Md5($"{ha1}:xyz:{ha2}")}\"", plain, StringComparison.Ordinal);
        Assert.DoesNotContain("qop", plain, StringComparison.Ordinal);
    }

    [Fact]
    public void Other_schemes_and_unknown_algorithms_are_not_answered_and_the_password_never_prints()
    {
        Assert.False(DigestChallenge.TryParse("Basic realm=\"x\"", out _));
        Assert.True(DigestChallenge.TryParse("Digest realm=\"x\", nonce=\"n\", algorithm=SHA-512-256", out var sha512));
        Assert.False(DigestAuthenticator.Supports(sha512!));
        Assert.DoesNotContain("hunter2", new DigestCredentials("alice", "hunter2").ToString(), StringComparison.Ordinal);
    }

    private static string Md5(string text)
        => Convert.ToHexString(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(text))).ToLowerInvariant();
}
