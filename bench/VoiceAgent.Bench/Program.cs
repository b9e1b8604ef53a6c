using VoiceAgent.Bench;

return (args.Length > 0 ? args[0] : string.Empty) switch
{
    "media" => await MediaPacingBenchmark.RunAsync(args),
    "onnx" => await NeuralEngineBenchmark.RunAsync(args),
    "arlm" => await ArcodecBenchmark.RunAsync(args),
    "app" => await ApplicationBenchmark.RunAsync(args),
    "compare" => await BaresipComparisonBenchmark.RunAsync(args),
    "setups" => await CallSetupBenchmark.RunAsync(args),
    "firstcall" => await FirstCallPacingBenchmark.RunAsync(args),
    "sipcost" => await SipMessageCostBenchmark.RunAsync(args),
    "fuzz" => await FuzzBenchmark.RunAsync(args),
    _ => await FirstAudioBenchmark.RunAsync(args),
};
