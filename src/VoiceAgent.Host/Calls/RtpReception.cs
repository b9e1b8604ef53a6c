using VoiceAgent.Telephony.Media;

namespace VoiceAgent.Host.Calls;

/// <summary>
/// The host's one <see cref="RtpReceiver"/> (one epoll thread for every call's RTP), owned by the
/// container so a host's receiver stops with it; null where epoll is unavailable (each stream then
/// runs a receive loop of its own).
/// </summary>
internal sealed class RtpReception : IDisposable
{
    public RtpReceiver? Receiver { get; } = RtpReceiver.TryCreate();

    public void Dispose() => Receiver?.Dispose();
}
