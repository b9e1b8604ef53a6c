using VoiceAgent.Host;

return await VoiceAgentApp.RunAsync(args);
