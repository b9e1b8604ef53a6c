using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgent.Host.Configuration;
using VoiceAgent.Host.Tests.Infrastructure;

namespace VoiceAgent.Host.Tests.EndToEnd;

/// <summary>Api:Key protects the HTTP API; without a key the API may only listen on loopback.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class ApiSecurityTests
{
    private const string Key = "k3y-for-the-api-0123456789";

    [Fact]
    public async Task With_a_key_every_api_request_needs_the_bearer_token_but_health_does_not()
    {
        await using var host = await RunningHost.StartAsync($"--Api:Key={Key}");
        using var client = new HttpClient { BaseAddress = host.Http.BaseAddress };

        using (var anonymous = await client.GetAsync("/v1/calls"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType?.MediaType);
            Assert.Equal("Bearer", anonymous.Headers.WwwAuthenticate.Single().Scheme);
        }

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "wrong-key-wrong-key");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/v1/voices")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/openapi/v1.json")).StatusCode);

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/calls")).StatusCode);
        var openApi = await client.GetStringAsync("/openapi/v1.json");
        Assert.Contains("/v1/calls/{id}", openApi, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/scalar/")).StatusCode);

        client.DefaultRequestHeaders.Authorization = null;
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
    }

    [Theory]
    [InlineData("http://0.0.0.0:8080")]
    [InlineData("http://*:8080")]
    [InlineData("http://127.0.0.1:8080;http://192.0.2.10:8080")]
    public void A_network_binding_without_a_key_is_refused_naming_api_key(string urls)
    {
        var error = Assert.Throws<ConfigurationException>(() => VoiceAgentApp.Build([$"--urls={urls}"]));

        Assert.Contains("Api:Key", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://localhost:8080")]
    [InlineData("http://[::1]:8080")]
    public async Task Loopback_bindings_need_no_key(string urls)
    {
        await using var app = VoiceAgentApp.Build([$"--urls={urls}"]);

        Assert.Null(app.Services.GetRequiredService<ApiSettings>().Key);
    }
}
