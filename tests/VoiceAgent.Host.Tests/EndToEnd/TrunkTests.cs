using System.Net.Http.Json;
using System.Text.Json;
using VoiceAgent.Host.Tests.Infrastructure;

namespace VoiceAgent.Host.Tests.EndToEnd;

/// <summary>A trunk stand-in (a scripted registrar and proxy on loopback UDP) that demands Digest credentials.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class TrunkTests
{
    [Fact]
    public async Task The_account_registers_through_the_challenge_phone_numbers_go_to_the_proxy_and_shutdown_unregisters()
    {
        using var trunk = new ScriptedSipPeer(486);
        var host = await RunningHost.StartAsync(
            $"--Outbound:Proxy=127.0.0.1:{trunk.Port}", "--Outbound:Register=true", "--Outbound:Domain=trunk.test",
            "--Outbound:Username=1001", "--Outbound:Password=pw", "--Outbound:RegisterExpiresSeconds=60",
            "--Outbound:AllowedDestinations:0=+1555"); // numbers go through a trunk only when allow-listed
        try
        {
            JsonElement registration = default;
            var deadline = DateTime.UtcNow.AddSeconds(5);
            while (DateTime.UtcNow < deadline)
            {
                registration = (await host.Http.GetFromJsonAsync<JsonElement>("/v1/registrations")).EnumerateArray().Single();
                if (registration.GetProperty("state").GetString() == "registered")
                {
                    break;
                }

                await Task.Delay(100);
            }

            Assert.True(registration.GetProperty("state").GetString() == "registered", registration.ToString() + string.Join("\n---\n", trunk.Requests));
            Assert.Equal("sip:1001@trunk.test", registration.GetProperty("aor").GetString());
            Assert.Equal("default", registration.GetProperty("trunk").GetString());
            Assert.Equal(200, registration.GetProperty("lastStatus").GetInt32());

            using var placed = await host.Http.PostAsJsonAsync("/v1/calls", new { to = "+15551234567", text = "Hello.", ringTimeoutSeconds = 5 });
            Assert.Equal(System.Net.HttpStatusCode.Created, placed.StatusCode);
            var id = (await placed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
            var call = await host.WaitForCallAsync(c => c.Id == id && c.State == "ended", TimeSpan.FromSeconds(10));
            Assert.Equal("busy", call.Outcome);
            // The trunk's domain in the Request-URI; the INVITE itself went to the proxy's address.
            Assert.Contains(trunk.Requests, r => r.StartsWith("INVITE sip:+15551234567@trunk.test SIP/2.0", StringComparison.Ordinal));
        }
        finally
        {
            await host.DisposeAsync();
        }

        Assert.Contains(trunk.Requests, r => r.StartsWith("REGISTER", StringComparison.Ordinal) && r.Contains("Expires: 0", StringComparison.Ordinal));
        Assert.DoesNotContain(trunk.Requests, r => r.Contains("pw\"", StringComparison.Ordinal) || r.Contains(":pw", StringComparison.Ordinal));
    }
}
