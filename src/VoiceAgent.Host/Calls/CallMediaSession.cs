using VoiceAgent.Telephony.Media;
using VoiceAgent.Telephony.Sdp;

namespace VoiceAgent.Host.Calls;

/// <summary>
/// Answers the offers a peer makes inside an established call (re-INVITE, RFC 3264 §8): hold
/// (<c>sendonly</c>/<c>inactive</c>: we answer <c>recvonly</c>/<c>inactive</c> and stop sending),
/// resume (<c>sendrecv</c>), a new media address. A change of codec is refused (488): the stream's
/// encoder and payload type stay what the call started with.
/// </summary>
internal sealed class CallMediaSession(SdpNegotiator negotiator, RtpStream stream, CallRecord record, string publicAddress, NegotiatedMedia initial, long sessionId, TimeProvider time)
{
    private long _version;

    public string? AnswerOffer(string sdp)
    {
        if (!SessionDescription.TryParse(sdp, out var offer, out _)
            || negotiator.Negotiate(offer!).Media is not { } media
            || !string.Equals(media.Codec, initial.Codec, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var wasSending = stream.Sending;
        stream.Sending = media.Direction is "sendrecv" or "sendonly";
        if (!media.RemoteRtp.Equals(stream.RemoteEndPoint) && !media.RemoteRtp.Address.Equals(System.Net.IPAddress.Any))
        {
            stream.UpdateRemote(media.RemoteRtp);
        }

        if (wasSending != stream.Sending)
        {
            record.AddEvent(stream.Sending ? "resumed" : "held", time.GetUtcNow(), media.Direction);
        }

        // RFC 3264 §8: the answer keeps our origin line's session id and raises its version.
        return SdpAnswerBuilder.Build(offer!, media, publicAddress, stream.LocalPort, sessionId, sessionId + Interlocked.Increment(ref _version));
    }
}
