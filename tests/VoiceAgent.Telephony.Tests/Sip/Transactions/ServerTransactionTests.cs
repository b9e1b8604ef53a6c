using Microsoft.Extensions.Time.Testing;
using VoiceAgent.Telephony.Sip.Messages;
using VoiceAgent.Telephony.Sip.Transactions;
using static VoiceAgent.Telephony.Tests.Sip.Transactions.TransactionTestMessages;

namespace VoiceAgent.Telephony.Tests.Sip.Transactions;

/// <summary>RFC 3261 §17.2 server transactions in virtual time.</summary>
public sealed class ServerTransactionTests
{
    private static readonly SipTimerOptions Timers = new();
    private readonly FakeTimeProvider _time = new();
    private readonly List<(TimeSpan At, SipMessage Message)> _sent = [];
    private readonly List<IServerTransaction> _terminated = [];
    private readonly DateTimeOffset _start;

    public ServerTransactionTests() => _start = _time.GetUtcNow();

    private ValueTask Send(SipMessage message)
    {
        _sent.Add((_time.GetUtcNow() - _start, message));
        return ValueTask.CompletedTask;
    }

    /// <summary>A client transaction's transport: records the send and says it went out.</summary>
    private ValueTask<bool> SendRequest(SipMessage message)
    {
        _sent.Add((_time.GetUtcNow() - _start, message));
        return ValueTask.FromResult(true);
    }

    private InviteServerTransaction NewInvite() => new("k", Request("INVITE"), Send, Timers, _time, _terminated.Add);

    private int[] SentStatuses() => [.. _sent.Select(s => ((SipResponse)s.Message).StatusCode)];

    [Fact]
    public async Task Invite_retransmission_while_proceeding_resends_the_last_provisional()
    {
        var transaction = NewInvite();
        await transaction.SendResponseAsync(Response(transaction.Request, 100));
        await transaction.SendResponseAsync(Response(transaction.Request, 180));

        transaction.OnRequestRetransmission();

        Assert.Equal([100, 180, 180], SentStatuses());
    }

    [Fact]
    public async Task Non_2xx_final_is_retransmitted_by_timer_g_doubling_up_to_t2_until_ack()
    {
        var transaction = NewInvite();
        await transaction.SendResponseAsync(Response(transaction.Request, 486));

        for (var i = 0; i < 80; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
        }

        // Sent at 0, then T1=0.5, 1.5, 3.5, 7.5 (interval capped at T2=4 s from here on).
        Assert.Equal([0, 500, 1500, 3500, 7500], _sent.Select(s => s.At.TotalMilliseconds));
        Assert.True(transaction.OnAck());
        Assert.Equal(InviteServerTransactionState.Confirmed, transaction.State);
        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(5, _sent.Count);

        _time.Advance(Timers.T4);
        Assert.Equal(InviteServerTransactionState.Terminated, transaction.State);
        Assert.Same(transaction, Assert.Single(_terminated));
    }

    [Fact]
    public async Task Timer_h_ends_the_transaction_when_no_ack_comes()
    {
        var transaction = NewInvite();
        await transaction.SendResponseAsync(Response(transaction.Request, 603));

        _time.Advance(Timers.TimeoutInterval - TimeSpan.FromMilliseconds(1));
        Assert.Equal(InviteServerTransactionState.Completed, transaction.State);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(InviteServerTransactionState.Terminated, transaction.State);
        Assert.Single(_terminated);
    }

    [Fact]
    public async Task A_2xx_moves_to_accepted_which_absorbs_retransmitted_invites_until_timer_l()
    {
        var transaction = NewInvite();
        await transaction.SendResponseAsync(Response(transaction.Request, 200));

        transaction.OnRequestRetransmission();

        Assert.Equal(InviteServerTransactionState.Accepted, transaction.State);
        Assert.Single(_sent);
        _time.Advance(Timers.TimeoutInterval);
        Assert.Equal(InviteServerTransactionState.Terminated, transaction.State);
    }

    [Fact]
    public async Task Only_one_final_response_is_sent()
    {
        var transaction = NewInvite();
        await transaction.SendResponseAsync(Response(transaction.Request, 486));
        await transaction.SendResponseAsync(Response(transaction.Request, 200));

        Assert.Equal([486], SentStatuses());
    }

    [Fact]
    public async Task Non_invite_resends_its_final_response_on_retransmission_until_timer_j()
    {
        var request = Request("OPTIONS");
        var transaction = new NonInviteServerTransaction("k", Send, Timers, _time, _terminated.Add);

        transaction.OnRequestRetransmission(); // Trying: nothing to resend yet
        await transaction.SendResponseAsync(Response(request, 200));
        transaction.OnRequestRetransmission();
        _time.Advance(Timers.TimeoutInterval);
        transaction.OnRequestRetransmission();

        Assert.Equal([200, 200], SentStatuses());
        Assert.Equal(NonInviteServerTransactionState.Terminated, transaction.State);
        Assert.Single(_terminated);
    }

    [Fact]
    public async Task Non_invite_over_a_reliable_transport_ends_as_its_final_response_is_sent()
    {
        var request = Request("BYE");
        var transaction = new NonInviteServerTransaction("k", Send, Timers, _time, _terminated.Add, reliable: true);

        await transaction.SendResponseAsync(Response(request, 200));
        transaction.OnRequestRetransmission();

        // RFC 3261 §17.2.2: timer J is 0 over TCP, so nothing is kept for 64*T1.
        Assert.Equal([200], SentStatuses());
        Assert.Equal(NonInviteServerTransactionState.Terminated, transaction.State);
        Assert.Same(transaction, Assert.Single(_terminated));
    }

    [Fact]
    public async Task Non_invite_client_retransmits_with_timer_e_and_gives_up_at_timer_f()
    {
        var bye = Request("BYE");
        using var transaction = new NonInviteClientTransaction("z9hG4bKc", bye, SendRequest, Timers, _time);
        await transaction.StartAsync();

        for (var i = 0; i < 330; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
        }

        // E: 0, 0.5, 1.5, 3.5, 7.5, then every T2: 11.5, 15.5 ... up to F = 32 s.
        Assert.Equal([0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500], _sent.Select(s => s.At.TotalMilliseconds));
        Assert.Null(await transaction.Completion.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Non_invite_client_completes_with_the_final_response()
    {
        var bye = Request("BYE");
        using var transaction = new NonInviteClientTransaction("z9hG4bKc", bye, SendRequest, Timers, _time);
        await transaction.StartAsync();

        transaction.OnResponse(Response(bye, 200));

        Assert.Equal(200, (await transaction.Completion.WaitAsync(TimeSpan.FromSeconds(5)))!.StatusCode);
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Single(_sent);
    }

    [Fact]
    public async Task Over_tcp_a_client_transaction_sends_once_and_still_gives_up_at_timer_f()
    {
        var bye = Request("BYE");
        using var transaction = new NonInviteClientTransaction("z9hG4bKc", bye, SendRequest, Timers, _time, reliable: true);
        await transaction.StartAsync();

        for (var i = 0; i < 330; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.Single(_sent); // §17.1.2.2: timer E only over unreliable transports
        Assert.Null(await transaction.Completion.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_request_the_transport_cannot_send_ends_as_503_at_once()
    {
        var bye = Request("BYE");
        using var transaction = new NonInviteClientTransaction("z9hG4bKc", bye, _ => ValueTask.FromResult(false), Timers, _time, reliable: true);
        await transaction.StartAsync();

        var final = await transaction.Completion.WaitAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(503, final!.StatusCode); // RFC 3261 §8.1.3.1
    }

    [Fact]
    public async Task Over_tcp_a_final_error_is_not_retransmitted_by_timer_g()
    {
        var transaction = new InviteServerTransaction("k", Request("INVITE"), Send, Timers, _time, _terminated.Add, reliable: true);
        await transaction.SendResponseAsync(Response(transaction.Request, 486));
        for (var i = 0; i < 40; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(500));
        }

        Assert.Single(_sent);
    }
}
