using VoiceAgent.Bench;

return await FirstAudioBenchmark.RunAsync(args);
