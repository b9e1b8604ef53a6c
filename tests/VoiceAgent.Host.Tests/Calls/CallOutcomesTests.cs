using VoiceAgent.Host.Calls;
using VoiceAgent.Telephony.Sip.UserAgent;

namespace VoiceAgent.Host.Tests.Calls;

public sealed class CallOutcomesTests
{
    [Theory]
    [InlineData(CallEndReason.RemoteHangup, "remote-hangup")]
    [InlineData(CallEndReason.LocalHangup, "local-hangup")]
    [InlineData(CallEndReason.Cancelled, "cancelled")]
    [InlineData(CallEndReason.Rejected, "rejected")]
    [InlineData(CallEndReason.AckTimeout, "ack-timeout")]
    [InlineData(CallEndReason.NotAnswered, "not-answered")]
    [InlineData(CallEndReason.SessionExpired, "session-expired")]
    public void Sip_end_reasons_keep_their_names_on_the_wire(CallEndReason reason, string name)
        => Assert.Equal(name, CallOutcomes.Name(reason));

    [Fact]
    public void Outcomes_the_host_decides_keep_their_names_on_the_wire()
    {
        Assert.Equal("rtp-timeout", CallOutcomes.Name(CallOutcome.RtpTimeout));
        Assert.Equal("failed", CallOutcomes.Name(CallOutcome.Failed));
        Assert.Equal("shutdown", CallOutcomes.Name(CallOutcome.Shutdown));
        Assert.Equal("completed", SayOutcomes.Name(SayOutcome.Completed));
        Assert.Equal("interrupted", SayOutcomes.Name(SayOutcome.Interrupted));
        Assert.Equal("failed", SayOutcomes.Name(SayOutcome.Failed));
    }
}
