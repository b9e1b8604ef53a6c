using VoiceAgent.Pipeline.Batching;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Tts.Engines;

namespace VoiceAgent.Pipeline.Stages;

internal sealed record GeneratorRow(Utterance Utterance, TokenChunk Tokens) : IStageRow;
