namespace VoiceAgent.Telephony.Media;

/// <summary>Something the media clock ticks every 20 ms: it sends its due packet, on the clock's thread, without blocking.</summary>
public interface IMediaClockClient
{
    void OnTick();
}
