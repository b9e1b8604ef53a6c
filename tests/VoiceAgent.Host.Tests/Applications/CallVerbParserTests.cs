using VoiceAgent.Host.Applications.Verbs;

namespace VoiceAgent.Host.Tests.Applications;

public sealed class CallVerbParserTests
{
    [Fact]
    public void Every_verb_of_the_contract_is_read_with_its_fields()
    {
        var result = CallVerbParser.Parse("""
            [{"verb": "say", "text": "Hi", "voice": "en-gb", "bargeIn": true},
             {"verb": "gather", "numDigits": 4, "finishOnKey": "#", "timeoutSeconds": 3, "say": {"text": "Enter your PIN"}},
             {"verb": "pause", "seconds": 1.5},
             {"verb": "play", "file": "jingle.wav"},
             {"verb": "transfer", "to": "sip:agent@example.com"},
             {"verb": "redirect", "url": "https://app.example.com/next"},
             {"verb": "sendDigits", "digits": "12#"},
             {"verb": "hangup"}]
            """);

        Assert.Empty(result.Errors);
        Assert.Equal(
            new CallVerb[]
            {
                new SayVerb("Hi", "en-gb", true),
                new GatherVerb(4, '#', TimeSpan.FromSeconds(3), new SayVerb("Enter your PIN", null, BargeIn: true)),
                new PauseVerb(TimeSpan.FromSeconds(1.5)),
                new PlayVerb("jingle.wav", false),
                new TransferVerb("sip:agent@example.com"),
                new RedirectVerb(new Uri("https://app.example.com/next")),
                new SendDigitsVerb("12#"),
                new HangupVerb(),
            },
            result.Verbs);
    }

    [Theory]
    [InlineData("""[{"verb": "sing"}]""", "verbs[0]: unknown verb 'sing'")]
    [InlineData("""[{"text": "no verb"}]""", "verbs[0]: 'verb' is required")]
    [InlineData("""[{"verb": "say"}]""", "verbs[0]: 'text' is required")]
    [InlineData("""[{"verb": "say", "text": ""}]""", "verbs[0]: 'text' must be a non-empty string")]
    [InlineData("""[{"verb": "pause", "seconds": -1}]""", "verbs[0]: 'seconds' must be a number from 0 to 600")]
    [InlineData("""[{"verb": "gather", "finishOnKey": "x"}]""", "verbs[0]: finishOnKey must be one DTMF key")]
    [InlineData("""[{"verb": "redirect", "url": "file:///etc/passwd"}]""", "verbs[0]: 'url' must be an absolute http or https URL")]
    [InlineData("""[42]""", "verbs[0]: must be an object")]
    [InlineData("""[{"verb": "sendDigits", "digits": "12x"}]""", "verbs[0]: 'digits' must be up to 64 keys")]
    [InlineData("""{"verb": "say", "text": "not an array"}""", "must be a JSON array")]
    [InlineData("""[{"verb": "say", "text": "x" """, "not valid JSON")]
    public void A_verb_that_cannot_run_is_left_out_and_reported(string json, string expected)
    {
        var result = CallVerbParser.Parse(json);

        Assert.Empty(result.Verbs);
        Assert.Contains(result.Errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_field_is_reported_but_the_verb_still_runs_and_the_rest_follow()
    {
        var result = CallVerbParser.Parse("""[{"verb": "dance"}, {"verb": "say", "text": "Hi", "colour": "red"}, {"verb": "hangup"}]""");

        Assert.Equal(new CallVerb[] { new SayVerb("Hi", null, false), new HangupVerb() }, result.Verbs);
        Assert.Equal(2, result.Errors.Count);
        Assert.Contains("verbs[1]: unknown field 'colour' ignored", result.Errors);
    }

    [Fact]
    public void An_empty_reply_means_no_verbs()
    {
        Assert.Empty(CallVerbParser.Parse("").Verbs);
        Assert.Empty(CallVerbParser.Parse("[]").Errors);
    }

    [Theory]
    [InlineData("""[{"verb": "transfer", "to": "sip:a>,<sip:b@127.0.0.1"}]""", "without headers, brackets, commas")]
    [InlineData("""[{"verb": "transfer", "to": "sip:x@169.254.169.254"}]""", "link-local")]
    [InlineData("""[{"verb": "transfer", "to": "sip:x@127.0.0.1?Replaces=abc"}]""", "without headers")]
    [InlineData("""[{"verb": "redirect", "url": "http://169.254.169.254/latest/meta-data/"}]""", "link-local")]
    [InlineData("""[{"verb": "redirect", "url": "http://[fe80::1]/x"}]""", "link-local")]
    public void Transfer_and_redirect_targets_follow_the_outbound_address_rules(string json, string expected)
    {
        var result = CallVerbParser.Parse(json);

        Assert.Empty(result.Verbs);
        Assert.Contains(result.Errors, e => e.Contains(expected, StringComparison.Ordinal));
    }
}
