using Scalar.AspNetCore;
using Serilog;
using Serilog.Events;
using VoiceAgent.Host.Api;
using VoiceAgent.Host.Applications;
using VoiceAgent.Host.Calls;
using VoiceAgent.Host.Configuration;
using VoiceAgent.Host.Speech;
using VoiceAgent.Host.Speech.Synthesis;
using VoiceAgent.Host.Storage;
using VoiceAgent.Host.Sip;

namespace VoiceAgent.Host;

/// <summary>The composition root: configuration, logging, services and HTTP endpoints.</summary>
internal static class VoiceAgentApp
{
    private const string ConsoleTemplate =
        "[{Timestamp:HH:mm:ss.fff} {Level:u3}] {SourceContext}{CallIdSuffix}: {Message:lj}{NewLine}{Exception}";

    /// <summary>Runs until shut down. Bad configuration or a busy port print one line and exit with code 2.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length > 0 && args[0] == SynthCommand.Name)
        {
            return await SynthCommand.RunAsync(args[1..], Console.Out, Console.Error);
        }

        WebApplication app;
        try
        {
            app = Build(args);
        }
        catch (ConfigurationException ex)
        {
            await Console.Error.WriteLineAsync($"VoiceAgent: configuration error: {ex.Message}");
            return 2;
        }

        try
        {
            await app.RunAsync();
            return 0;
        }
        catch (ConfigurationException ex)
        {
            await Console.Error.WriteLineAsync($"VoiceAgent: configuration error: {ex.Message}");
            return 2;
        }
        catch (StartupException ex)
        {
            await Console.Error.WriteLineAsync($"VoiceAgent: cannot start: {ex.Message}");
            return 2;
        }
        catch (IOException ex) when (IsAddressInUse(ex))
        {
            await Console.Error.WriteLineAsync($"VoiceAgent: cannot start the HTTP API: {ex.Message}");
            return 2;
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    private static bool IsAddressInUse(Exception ex)
        => ex is IOException { InnerException: System.Net.Sockets.SocketException or Microsoft.AspNetCore.Connections.AddressInUseException };

    /// <summary>
    /// A start-up failure <see cref="RunAsync"/> prints as its one line: the host's own "Hosting failed
    /// to start" log of it (with the stack trace) is left out, so the user reads the line and nothing else.
    /// </summary>
    private static bool IsPrintedAsOneLine(Serilog.Events.LogEvent logEvent)
        => logEvent.Exception is ConfigurationException or StartupException || (logEvent.Exception is { } ex && IsAddressInUse(ex));

    /// <summary>
    /// Builds the application. Configuration layers, later wins: config/appsettings.json next to
    /// the binary, environment variables <c>VOICEAGENT_Section__Key</c>, command line <c>--Section:Key=value</c>.
    /// </summary>
    public static WebApplication Build(string[] args)
    {
        // The pool starts with one thread per core (2 here) and adds more only every ~0.5 s when
        // they are busy; a playout writer waiting that long leaves a call silent. Keep a floor.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 16), io);

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });

        builder.Configuration.Sources.Clear();
        builder.Configuration
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "config", "appsettings.json"), optional: false)
            .AddEnvironmentVariables("VOICEAGENT_")
            .AddCommandLine(args);

        var settings = VoiceAgentSettings.Load(builder.Configuration);
        var api = ApiSettings.Load(new ConfigurationReader(builder.Configuration), builder.Configuration["urls"]);

        builder.Host.UseSerilog((context, logger) => logger
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .ReadFrom.Configuration(context.Configuration)
            .Filter.ByExcluding(IsPrintedAsOneLine)
            .Enrich.FromLogContext()
            .Enrich.With<CallIdSuffixEnricher>()
            .WriteTo.Console(outputTemplate: ConsoleTemplate));

        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(api);
        builder.Services.AddHostedService<ApiBindingCheck>();
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "VoiceAgent API";
            document.Info.Description = "Calls, call records with latency timelines, voices. With Api:Key set, send 'Authorization: Bearer <key>'.";
            return Task.CompletedTask;
        }));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ReadinessState>();
        // The store is registered before telephony so it stops after it: calls ending at shutdown are still written.
        builder.Services.AddSingleton(settings.Storage);
        builder.Services.AddSingleton<CallRecordStore>(sp => settings.Storage.PostgresConnectionString is { } postgres
            ? new PostgresCallStore(postgres, sp.GetRequiredService<ILogger<PostgresCallStore>>())
            : new SqliteCallStore(settings.Storage, sp.GetRequiredService<ILogger<SqliteCallStore>>()));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CallRecordStore>());
        builder.Services.AddSingleton<CallRegistry>();
        builder.Services.AddSingleton(new DestinationPolicy(settings.Outbound.AllowedDestinations));
        builder.Services.AddVoiceAgentTelephony();
        builder.Services.AddVoiceAgentSpeech(settings.Tts);
        // After the TTS warm-up (it speaks through the pipeline), before ready: see MediaWarmupService.
        builder.Services.AddHostedService<MediaWarmupService>();
        builder.Services.AddVoiceAgentApplications(settings.Application);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<RequestOriginMiddleware>();
        app.UseMiddleware<ApiKeyMiddleware>();
        app.UseWebSockets();
        app.MapOpenApi();
        app.MapScalarApiReference();
        app.MapHealthEndpoints();
        app.MapCallsEndpoints();
        app.MapVoicesEndpoints();
        app.MapSpeechEndpoints();
        app.MapRegistrationsEndpoints();
        app.MapCallStreamEndpoints();
        return app;
    }
}
