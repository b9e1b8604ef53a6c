using System.Security.Cryptography;
using System.Text;
using VoiceAgent.Host.Applications.Webhooks;

namespace VoiceAgent.Host.Tests.Applications;

public sealed class WebhookSignerTests
{
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes("s3cret-s3cret-s3cret");

    [Fact]
    public void The_signature_is_hmac_sha256_over_timestamp_dot_body()
    {
        var body = """{"event":"call.incoming"}"""u8.ToArray();

        var header = new WebhookSigner(Secret).Sign(1_700_000_000, body);

        // Computed independently: what an application in any language does to check it.
        var expected = Convert.ToHexString(HMACSHA256.HashData(Secret, Encoding.UTF8.GetBytes("1700000000." + """{"event":"call.incoming"}"""))).ToLowerInvariant();
        Assert.Equal($"t=1700000000,v1={expected}", header);
    }

    [Fact]
    public void Verification_rejects_a_changed_body_another_secret_and_an_old_timestamp()
    {
        var signer = new WebhookSigner(Secret);
        var body = "{}"u8.ToArray();
        var now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        var header = signer.Sign(now.ToUnixTimeSeconds(), body);

        Assert.True(signer.Verify(header, body, now, TimeSpan.FromMinutes(5)));
        Assert.False(signer.Verify(header, "{ }"u8, now, TimeSpan.FromMinutes(5)));
        Assert.False(new WebhookSigner("other-secret-value"u8.ToArray()).Verify(header, body, now, TimeSpan.FromMinutes(5)));
        Assert.False(signer.Verify(header, body, now.AddMinutes(10), TimeSpan.FromMinutes(5)));
        Assert.False(signer.Verify("garbage", body, now, TimeSpan.FromMinutes(5)));
    }
}
