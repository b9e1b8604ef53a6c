using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using VoiceAgent.Host.Tests.Infrastructure;

namespace VoiceAgent.Host.Tests.EndToEnd;

/// <summary>
/// A callee that answers the INVITE with 183 Session Progress and SDP and streams an announcement
/// before answering (never, here): Outbound:EarlyMedia decides whether the host opens the media then.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed partial class EarlyMediaTests
{
    [Theory]
    [InlineData("accept", true)]
    [InlineData("ignore", false)]
    public async Task Early_media_is_received_before_the_answer_only_when_accepted(string mode, bool accepted)
    {
        using var announcement = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        using var callee = new ScriptedSipPeer(0, earlyMediaPort: ((IPEndPoint)announcement.Client.LocalEndPoint!).Port);
        await using var host = await RunningHost.StartAsync($"--Outbound:EarlyMedia={mode}");

        using var placed = await host.Http.PostAsJsonAsync("/v1/calls", new { to = callee.Uri, text = "Hello.", ringTimeoutSeconds = 3 });
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        var id = (await placed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!callee.Requests.Any(r => r.StartsWith("INVITE", StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        var invite = callee.Requests.First(r => r.StartsWith("INVITE", StringComparison.Ordinal));
        var hostRtp = new IPEndPoint(IPAddress.Loopback, int.Parse(AudioPort().Match(invite).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        await Task.Delay(300); // the 183 is on its way; media opens when it arrives
        await SendAnnouncementAsync(announcement, hostRtp, packets: 50);

        var call = await host.WaitForCallAsync(c => c.Id == id && c.State == "ended", TimeSpan.FromSeconds(10));
        Assert.Equal("no-answer", call.Outcome);
        Assert.Equal(accepted, call.Events.Any(e => e.Name == "early-media"));
        var received = call.Media?.PacketsReceived ?? 0;
        if (accepted)
        {
            Assert.True(received >= 40, $"the host received {received} of 50 early-media packets");
        }
        else
        {
            Assert.Equal(0, received);
        }
    }

    /// <summary>PCMU packets (silence), 20 ms apart, as a network announcement would stream them.</summary>
    private static async Task SendAnnouncementAsync(UdpClient socket, IPEndPoint to, int packets)
    {
        var packet = new byte[12 + 160];
        Array.Fill(packet, (byte)0xFF, 12, 160);
        packet[0] = 0x80;
        for (var i = 0; i < packets; i++)
        {
            packet[1] = (byte)(i == 0 ? 0x80 : 0x00); // marker on the first packet, payload type 0
            System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)i);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), (uint)(i * 160));
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), 0x5EED1234);
            await socket.SendAsync(packet, to);
            await Task.Delay(20);
        }
    }

    [GeneratedRegex(@"m=audio (\d+)")]
    private static partial Regex AudioPort();
}
