using VoiceAgent.Host.Calls;
using VoiceAgent.Host.Storage;

namespace VoiceAgent.Host.Tests.Calls;

public sealed class CallRecordCapsTests
{
    [Fact]
    public void Events_past_the_cap_are_counted_by_name_and_the_stored_json_stays_small()
    {
        var record = new CallRecord("c1", "sip-1", "a", "b", "inbound", DateTimeOffset.UtcNow);
        var changes = 0;
        record.ObserveChanges(_ => changes++);

        for (var i = 0; i < 2000; i++)
        {
            record.AddEvent("dtmf", DateTimeOffset.UtcNow, "5");
            record.AddCallerSpeech("speech-started", DateTimeOffset.UtcNow);
        }

        record.AddEvent("transfer", DateTimeOffset.UtcNow, "sip:x@127.0.0.2");
        var view = record.ToView();

        Assert.Equal(CallRecord.MaxEvents, view.Events.Count);
        Assert.Equal(CallRecord.MaxCallerSpeech, view.CallerSpeech.Count);
        Assert.Equal(2000 - CallRecord.MaxEvents, view.Omitted!.Events["dtmf"]);
        Assert.Equal(1, view.Omitted.Events["transfer"]);
        Assert.Equal(2000 - CallRecord.MaxCallerSpeech, view.Omitted.CallerSpeech);
        Assert.Equal(4001, changes);
        Assert.InRange(CallRecordStore.Serialize(view).Length, 1, 32 * 1024);
    }

    [Fact]
    public void A_record_that_kept_everything_has_no_summary()
    {
        var record = new CallRecord("c1", "sip-1", "a", "b", "inbound", DateTimeOffset.UtcNow);
        record.AddEvent("dtmf", DateTimeOffset.UtcNow, "5");

        Assert.Null(record.ToView().Omitted);
    }
}
