using VoiceAgent.Bench;

return args.Length > 0 && args[0] == "media"
    ? await MediaPacingBenchmark.RunAsync(args)
    : await FirstAudioBenchmark.RunAsync(args);
