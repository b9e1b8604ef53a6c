using VoiceAgent.Bench;

return args.Length > 0 && args[0] == "media"
    ? await MediaPacingBenchmark.RunAsync(args)
    : args.Length > 0 && args[0] == "onnx"
        ? await NeuralEngineBenchmark.RunAsync(args)
        : args.Length > 0 && args[0] == "arlm"
            ? await ArcodecBenchmark.RunAsync(args)
            : await FirstAudioBenchmark.RunAsync(args);
