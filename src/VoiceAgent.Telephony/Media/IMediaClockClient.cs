namespace VoiceAgent.Telephony.Media;

/// <summary>
/// Something the media clock ticks every <see cref="MediaClock.Resolution"/>: it sends whatever
/// packet is due at <c>now</c>, on the clock's thread, without blocking.
/// </summary>
public interface IMediaClockClient
{
    /// <param name="now">Stopwatch timestamp of this tick.</param>
    void OnTick(long now);
}
