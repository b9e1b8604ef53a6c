using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using VoiceAgent.Telephony.Sip.Messages;
using VoiceAgent.Telephony.Sip.Transport;

namespace VoiceAgent.Telephony.Sip.Transactions;

/// <summary>
/// The transaction layer (RFC 3261 §17): the server and client transaction tables, their matching
/// (§17.1.3, §17.2.3), creation and removal, and what is answered without a transaction (§8.2.7, as
/// Kamailio's sl module does: OPTIONS, refusals, requests for no dialog; a retransmission is simply
/// answered again, with the same To tag, and nothing of the request is kept).
/// </summary>
internal sealed class SipTransactionLayer : IRequestChannel
{
    private static readonly Counter<long> Stateless = TelephonyMetrics.Meter.CreateCounter<long>(
        "voiceagent.sip.stateless_responses", "{response}", "Responses sent without a server transaction (OPTIONS, refusals, errors).");

    private readonly ConcurrentDictionary<string, IServerTransaction> _serverTransactions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, NonInviteClientTransaction> _clientTransactions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, InviteClientTransaction> _inviteClientTransactions = new(StringComparer.Ordinal);
    private readonly SipTimerOptions _timers;

    // Secret per process: stateless To tags cannot be predicted from the request alone.
    private readonly byte[] _tagSalt = RandomNumberGenerator.GetBytes(16);

    public SipTransactionLayer(TransportSender sender, SipTimerOptions timers, TimeProvider time)
    {
        Sender = sender;
        _timers = timers;
        Time = time;
    }

    public TransportSender Sender { get; }

    public TimeProvider Time { get; }

    public System.Net.Sockets.AddressFamily AddressFamily => Sender.AddressFamily;

    /// <summary>§17.2.1: an ACK for our non-2xx final response is absorbed by its INVITE server transaction.</summary>
    public bool AbsorbAck(string? key)
        => key is not null && _serverTransactions.TryGetValue(key, out var invite) && invite is InviteServerTransaction ist && ist.OnAck();

    /// <summary>§17.2.3: a retransmitted request matches its server transaction, which answers it again.</summary>
    public bool AbsorbRetransmission(string key)
    {
        if (!_serverTransactions.TryGetValue(key, out var existing))
        {
            return false;
        }

        existing.OnRequestRetransmission();
        return true;
    }

    /// <summary>A non-INVITE server transaction (§17.2.2), its responses going to the request's source.</summary>
    public NonInviteServerTransaction CreateNonInviteServer(string key, SipHop remote)
    {
        var destination = TransportSender.DestinationOf(remote.EndPoint, remote.Transport);
        var transaction = new NonInviteServerTransaction(key, m => Sender.SendQuietlyAsync(m, destination), _timers, Time, Forget, remote.Transport.IsReliable());
        _serverTransactions[key] = transaction;
        return transaction;
    }

    /// <summary>An INVITE server transaction (§17.2.1), its responses going to the request's source.</summary>
    public InviteServerTransaction CreateInviteServer(string key, SipRequest invite, SipHop remote)
    {
        var destination = TransportSender.DestinationOf(remote.EndPoint, remote.Transport);
        var transaction = new InviteServerTransaction(
            key, invite, m => Sender.SendQuietlyAsync(m, destination), _timers, Time, Forget, remote.Transport.IsReliable());
        _serverTransactions[key] = transaction;
        return transaction;
    }

    /// <summary>Runs a non-INVITE client transaction to its final response (null: timer F; a 503 of our own when it could not be sent).</summary>
    public async Task<SipResponse?> SendRequestAsync(SipRequest request, string branch, SipHop destination, CancellationToken cancellationToken)
    {
        var key = ClientKey(branch, request.Method);
        using var transaction = new NonInviteClientTransaction(branch, request, m => Sender.SendAsync(m, destination), _timers, Time, destination.Transport.IsReliable());
        _clientTransactions[key] = transaction;
        try
        {
            await transaction.StartAsync().ConfigureAwait(false);
            return await transaction.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _clientTransactions.TryRemove(key, out _);
        }
    }

    /// <summary>An INVITE client transaction (§17.1.1), matched by its branch until it terminates; the caller starts and disposes it.</summary>
    public InviteClientTransaction CreateInviteClient(string branch, SipRequest invite, Func<SipMessage, ValueTask<bool>> send, Action<SipResponse> onProvisional, bool reliable)
    {
        var transaction = new InviteClientTransaction(
            branch, invite, send, onProvisional, _timers, Time, t => _inviteClientTransactions.TryRemove(t.Branch, out _), reliable);
        _inviteClientTransactions[branch] = transaction;
        return transaction;
    }

    /// <summary>One re-INVITE client transaction to its final response (null: timer B).</summary>
    public async Task<SipResponse?> RunReinviteAsync(SipRequest reinvite, string branch, SipHop destination, CancellationToken cancellationToken)
    {
        using var transaction = CreateInviteClient(branch, reinvite, m => Sender.SendAsync(m, destination), _ => { }, destination.Transport.IsReliable());
        await transaction.StartAsync().ConfigureAwait(false);
        return await transaction.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// §17.1.3: a response matches the client transaction of its top Via branch and CSeq method. A 2xx
    /// to an INVITE goes first to <paramref name="dialogTakes2xx"/>: a retransmitted 2xx of an
    /// established dialog is the dialog's (it sends its ACK again, §13.2.2.4).
    /// </summary>
    public void OnResponse(SipResponse response, Func<SipResponse, bool> dialogTakes2xx)
    {
        if (response.TopVia is not { } top || !SipVia.TryParse(top, out var via) || via!.Branch is not { } branch
            || !SipCSeq.TryParse(response.Headers.Get(SipHeaderNames.CSeq), out var cseq))
        {
            return;
        }

        if (cseq.Method != SipMethods.Invite)
        {
            if (_clientTransactions.TryGetValue(ClientKey(branch, cseq.Method), out var transaction))
            {
                transaction.OnResponse(response);
            }

            return;
        }

        if (response.IsSuccess && dialogTakes2xx(response))
        {
            return;
        }

        if (_inviteClientTransactions.TryGetValue(branch, out var invite))
        {
            invite.OnResponse(response);
        }
    }

    /// <summary>
    /// The To tag of a stateless response: derived from the request (Call-ID, From, top Via) like
    /// Kamailio's sl tags, so a retransmitted request answered again gets the same tag without any state.
    /// </summary>
    public string StatelessTag(SipRequest request)
    {
        var text = Encoding.UTF8.GetBytes($"{request.CallId}|{request.From}|{request.TopVia}|{request.Method}");
        return Convert.ToHexString(HMACSHA256.HashData(_tagSalt, text), 0, 6).ToLowerInvariant();
    }

    /// <summary>481 (§12.2.2), stateless.</summary>
    public SipResponse NoSuchCall(SipRequest request) => SipResponseFactory.Create(request, 481, SipResponseFactory.ReasonPhrase(481), StatelessTag(request));

    /// <summary>Sends a response with no transaction behind it (RFC 3261 §8.2.7 stateless UAS behaviour): a retransmitted request is simply answered again.</summary>
    public ValueTask SendStatelessAsync(SipResponse response, IPEndPoint remote, SipTransportKind transport)
    {
        Stateless.Add(1);
        return Sender.SendQuietlyAsync(response, TransportSender.DestinationOf(remote, transport));
    }

    private void Forget(IServerTransaction transaction) => _serverTransactions.TryRemove(transaction.Key, out _);

    private static string ClientKey(string branch, string method) => branch + "|" + method;
}
