using Microsoft.Extensions.Time.Testing;
using VoiceAgent.Telephony.Sip.UserAgent;

namespace VoiceAgent.Telephony.Tests.Sip.UserAgent;

public sealed class DialogInfoLimiterTests
{
    [Fact]
    public void A_dialog_gets_a_burst_of_infos_then_the_sustained_rate_and_the_excess_is_counted()
    {
        var time = new FakeTimeProvider();
        var limiter = new DialogInfoLimiter(time);

        var burst = Enumerable.Range(0, 100).Count(_ => limiter.TryAccept());
        time.Advance(TimeSpan.FromSeconds(1));
        var nextSecond = Enumerable.Range(0, 100).Count(_ => limiter.TryAccept());

        Assert.Equal(DialogInfoLimiter.Burst, burst);
        Assert.Equal((int)DialogInfoLimiter.PerSecond, nextSecond);
        Assert.Equal(200 - DialogInfoLimiter.Burst - (int)DialogInfoLimiter.PerSecond, limiter.RefusedCount);
    }
}
