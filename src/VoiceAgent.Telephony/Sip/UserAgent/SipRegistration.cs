using System.Globalization;
using System.Security.Cryptography;
using VoiceAgent.Telephony.Sip.Authentication;
using VoiceAgent.Telephony.Sip.Dialogs;
using VoiceAgent.Telephony.Sip.Messages;
using VoiceAgent.Telephony.Sip.Transactions;

namespace VoiceAgent.Telephony.Sip.UserAgent;

/// <summary>
/// Keeps one account registered (RFC 3261 §10.2): REGISTER with our Contact, answers a Digest
/// challenge, refreshes at 80% of the granted lifetime, retries failures with doubling back-off,
/// and removes the binding (Expires: 0) when stopped. One Call-ID for all its REGISTERs, CSeq rising (§10.2.4).
/// </summary>
public sealed class SipRegistration : IAsyncDisposable
{
    private readonly IRequestChannel _channel;
    private readonly SipLocalAddress _local;
    private readonly RegistrationOptions _options;
    private readonly DigestAuthenticator _digest = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly string _callId = Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant() + "@voiceagent";
    private readonly string _fromTag = Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant();
    private uint _cseq;
    private volatile RegistrationState _state = new("registering", 0, null, null);
    private Task? _loop;

    private readonly Action<SipRegistration> _stopped;

    internal SipRegistration(IRequestChannel channel, SipLocalAddress local, RegistrationOptions options, Action<SipRegistration> stopped)
    {
        _channel = channel;
        _local = local;
        _options = options;
        _stopped = stopped;
    }

    /// <summary>The registrar's address as last resolved (calls from it come through this account's trunk).</summary>
    public System.Net.IPAddress? RegistrarAddress { get; private set; }

    public RegistrationOptions Options => _options;

    public RegistrationState State => _state;

    internal void Start() => _loop = Task.Run(() => RunAsync(_stop.Token));

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var retry = _options.RetryDelay;
        while (!cancellationToken.IsCancellationRequested)
        {
            TimeSpan wait;
            var (status, granted, error) = await RegisterAsync(_options.Expires, cancellationToken).ConfigureAwait(false);
            if (status is >= 200 and < 300)
            {
                var lifetime = granted ?? _options.Expires;
                _state = new RegistrationState("registered", status, _channel.Time.GetUtcNow() + lifetime, null);
                retry = _options.RetryDelay;
                wait = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(1).Ticks, (long)(lifetime.Ticks * 0.8)));
            }
            else
            {
                _state = new RegistrationState("failed", status, null, error);
                wait = retry;
                retry = retry * 2 < _options.MaxRetryDelay ? retry * 2 : _options.MaxRetryDelay;
            }

            try
            {
                await Task.Delay(wait, _channel.Time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One REGISTER exchange, answering one challenge: the final status, the granted lifetime and an error text.</summary>
    private async Task<(int Status, TimeSpan? Granted, string? Error)> RegisterAsync(TimeSpan expires, CancellationToken cancellationToken)
    {
        string? authorization = null;
        string? authorizationHeader = null;
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var request = CreateRegister(expires, authorizationHeader, authorization, out var branch);
            SipResponse? response;
            try
            {
                // Resolved for every REGISTER: a registrar that moves is followed.
                if (await _options.Registrar.ResolveAsync(_channel.AddressFamily, cancellationToken).ConfigureAwait(false) is not { } registrar)
                {
                    return (503, null, $"the registrar's host '{_options.Registrar.Host}' does not resolve");
                }

                RegistrarAddress = registrar.EndPoint.Address;

                response = await _channel.SendRequestAsync(request, branch, registrar, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return (0, null, "stopped");
            }

            if (response is null)
            {
                return (408, null, "the registrar did not answer");
            }

            if (response.StatusCode is 401 or 407 && attempt == 0 && _options.Credentials is { } credentials)
            {
                var (challengeName, answerName) = response.StatusCode == 401
                    ? (SipHeaderNames.WwwAuthenticate, SipHeaderNames.Authorization)
                    : (SipHeaderNames.ProxyAuthenticate, SipHeaderNames.ProxyAuthorization);
                var challenges = response.Headers.GetAll(challengeName)
                    .Select(h => DigestChallenge.TryParse(h, out var c) ? c : null)
                    .Where(c => c is not null && DigestAuthenticator.Supports(c))
                    .ToList();
                if (challenges.Count == 0)
                {
                    return (response.StatusCode, null, "the registrar's challenge uses an algorithm we cannot answer");
                }

                // Only the trunk's realm (Trunks:<name>:Realm, else the first its registrar uses, pinned).
                var challenge = challenges.FirstOrDefault(c => credentials.Realm.Accepts(c!.Realm));
                if (challenge is null)
                {
                    return (response.StatusCode, null, $"the registrar challenged for realm '{challenges[0]!.Realm}', not the trunk's realm '{credentials.Realm.Value}' (Trunks:<name>:Realm)");
                }

                authorizationHeader = answerName;
                authorization = _digest.Authorize(challenge, credentials, SipMethods.Register, request.RequestUri);
                continue;
            }

            return response.IsSuccess
                ? (response.StatusCode, GrantedLifetime(response), null)
                : (response.StatusCode, null, $"{response.StatusCode} {response.ReasonPhrase}");
        }

        return (401, null, "the registrar refused our credentials");
    }

    private SipRequest CreateRegister(TimeSpan expires, string? authorizationHeader, string? authorization, out string branch)
    {
        branch = "z9hG4bK" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();
        var aor = $"sip:{_options.User}@{_options.Domain}";
        var headers = new SipHeaderCollection();
        headers.Add(SipHeaderNames.Via, _local.ViaFor(_options.Registrar.Transport, branch));
        headers.Add(SipHeaderNames.MaxForwards, "70");
        headers.Add(SipHeaderNames.From, $"<{aor}>;tag={_fromTag}");
        headers.Add(SipHeaderNames.To, $"<{aor}>");
        headers.Add(SipHeaderNames.CallId, _callId);
        headers.Add(SipHeaderNames.CSeq, $"{Interlocked.Increment(ref _cseq).ToString(CultureInfo.InvariantCulture)} {SipMethods.Register}");
        headers.Add(SipHeaderNames.Contact, _local.ContactFor(_options.User, _options.Registrar.Transport));
        headers.Add(SipHeaderNames.Expires, ((int)expires.TotalSeconds).ToString(CultureInfo.InvariantCulture));
        headers.Add(SipHeaderNames.UserAgent, SipResponseFactory.ServerName);
        if (authorizationHeader is not null && authorization is not null)
        {
            headers.Add(authorizationHeader, authorization);
        }

        return new SipRequest(SipMethods.Register, $"sip:{_options.Domain}", headers);
    }

    /// <summary>§10.2.4: the lifetime is our Contact's expires parameter in the 200, else its Expires header.</summary>
    private TimeSpan? GrantedLifetime(SipResponse ok)
    {
        foreach (var contact in ok.Headers.GetAll(SipHeaderNames.Contact).SelectMany(SipHeaderValueSplitter.Split))
        {
            if (contact.Contains(_local.Host, StringComparison.OrdinalIgnoreCase)
                && System.Text.RegularExpressions.Regex.Match(contact, @";\s*expires\s*=\s*(\d+)", System.Text.RegularExpressions.RegexOptions.IgnoreCase) is { Success: true } match
                && int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                return TimeSpan.FromSeconds(seconds);
            }
        }

        return int.TryParse(ok.Headers.Get(SipHeaderNames.Expires), NumberStyles.None, CultureInfo.InvariantCulture, out var header) ? TimeSpan.FromSeconds(header) : null;
    }

    /// <summary>Stops refreshing and removes the binding (REGISTER with Expires: 0), bounded in time.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _stopped(this);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        if (_state.State == "registered")
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            await RegisterAsync(TimeSpan.Zero, timeout.Token).ConfigureAwait(false);
            _state = new RegistrationState("unregistered", _state.LastStatus, null, null);
        }

        _stop.Dispose();
    }
}
