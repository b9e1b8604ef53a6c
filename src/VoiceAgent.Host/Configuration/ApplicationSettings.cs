namespace VoiceAgent.Host.Configuration;

/// <summary>The call application for inbound calls (keys under <c>Inbound</c>).</summary>
/// <param name="WebhookUrl">Inbound:WebhookUrl; null runs the embedded demo script.</param>
/// <param name="WebhookSecret">Inbound:WebhookSecret, the HMAC-SHA256 key that signs every request.</param>
/// <param name="FallbackMessage">Inbound:FallbackMessage, spoken before hanging up when the application cannot be reached.</param>
/// <param name="AudioDirectory">Inbound:AudioDirectory, where the <c>play</c> verb finds WAV files.</param>
/// <param name="AttemptTimeout">Inbound:WebhookTimeoutSeconds, per request attempt.</param>
/// <param name="Retries">Inbound:WebhookRetries, further attempts after a failed one (with back-off).</param>
/// <param name="StreamUrl">Inbound:StreamUrl, a ws:// or wss:// application speaking Twilio's Media Streams protocol (Inbound:StreamProtocol=twilio).</param>
/// <param name="NumberWebhooks">Inbound:Numbers:&lt;number&gt;: the application of calls to that number (the Request-URI's user part), ahead of Inbound:WebhookUrl.</param>
internal sealed record ApplicationSettings(Uri? WebhookUrl, string WebhookSecret, string FallbackMessage, string AudioDirectory, TimeSpan AttemptTimeout, int Retries, Uri? StreamUrl = null, IReadOnlyDictionary<string, Uri>? NumberWebhooks = null)
{
    /// <summary>The application for a call to <paramref name="number"/>: its own, else the default, else none (the demo).</summary>
    public Uri? WebhookFor(string? number)
        => number is not null && NumberWebhooks?.TryGetValue(number, out var url) == true ? url : WebhookUrl;

    public const string DefaultFallbackMessage = "Sorry, this service is not available right now. Please try again later. Goodbye.";

    public static ApplicationSettings Load(ConfigurationReader reader)
    {
        Uri? url = null;
        var text = reader.ReadString("Inbound:WebhookUrl", string.Empty, allowEmpty: true);
        if (text.Length > 0)
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                throw new ConfigurationException($"Inbound:WebhookUrl must be an absolute http or https URL; got '{text}'.");
            }
        }

        var numbers = new Dictionary<string, Uri>(StringComparer.OrdinalIgnoreCase);
        foreach (var (number, value) in reader.ReadChildren("Inbound:Numbers"))
        {
            if (!Uri.TryCreate(value, UriKind.Absolute, out var numberUrl) || (numberUrl.Scheme != Uri.UriSchemeHttp && numberUrl.Scheme != Uri.UriSchemeHttps))
            {
                throw new ConfigurationException($"Inbound:Numbers:{number} must be an absolute http or https URL; got '{value}'.");
            }

            numbers[number] = numberUrl;
        }

        var secret = reader.ReadString("Inbound:WebhookSecret", string.Empty, allowEmpty: true);
        if ((url is not null || numbers.Count > 0) && secret.Length < 16)
        {
            throw new ConfigurationException("Inbound:WebhookSecret must be set (at least 16 characters) when Inbound:WebhookUrl is: every webhook request is signed with it.");
        }

        Uri? stream = null;
        var streamText = reader.ReadString("Inbound:StreamUrl", string.Empty, allowEmpty: true);
        if (streamText.Length > 0)
        {
            if (!Uri.TryCreate(streamText, UriKind.Absolute, out stream) || (stream.Scheme != "ws" && stream.Scheme != "wss"))
            {
                throw new ConfigurationException($"Inbound:StreamUrl must be an absolute ws:// or wss:// URL; got '{streamText}'.");
            }

            if (url is not null)
            {
                throw new ConfigurationException("Inbound:StreamUrl and Inbound:WebhookUrl cannot both be set: a call has one application.");
            }
        }

        var protocol = reader.ReadString("Inbound:StreamProtocol", "twilio").ToLowerInvariant();
        if (protocol != "twilio")
        {
            throw new ConfigurationException($"Inbound:StreamProtocol must be twilio (Twilio Media Streams); got '{protocol}'.");
        }

        return new ApplicationSettings(
            url,
            secret,
            reader.ReadString("Inbound:FallbackMessage", DefaultFallbackMessage),
            reader.ReadPath("Inbound:AudioDirectory", "audio"),
            TimeSpan.FromSeconds(reader.ReadDouble("Inbound:WebhookTimeoutSeconds", 5, 0.5, 60)),
            reader.ReadInt("Inbound:WebhookRetries", 2, 0, 10),
            stream,
            numbers);
    }
}
