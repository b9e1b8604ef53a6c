using VoiceAgent.Tts.Engines;

namespace VoiceAgent.Pipeline.Sessions;

/// <summary>
/// An entry of an utterance's audio queue: PCM, and whether reading it completes a chunk (which returns that chunk's
/// credit to stage 1). A streamed chunk's end comes as a marker with no PCM, since the row only learns it has ended
/// after its last piece has gone out.
/// </summary>
internal readonly record struct AudioPiece(PcmChunk? Pcm, bool EndsChunk);
