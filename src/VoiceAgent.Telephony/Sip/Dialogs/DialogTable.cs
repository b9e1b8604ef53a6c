using System.Collections.Concurrent;
using VoiceAgent.Telephony.Sip.Messages;
using VoiceAgent.Telephony.Sip.Transactions;
using VoiceAgent.Telephony.Sip.UserAgent;

namespace VoiceAgent.Telephony.Sip.Dialogs;

/// <summary>The calls by dialog (RFC 3261 §12: Call-ID, local tag, remote tag), and incoming calls by their INVITE's transaction (what a CANCEL names, §9.2).</summary>
internal sealed class DialogTable
{
    private readonly ConcurrentDictionary<string, IDialogCall> _callsByDialog = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IncomingCall> _callsByInvite = new(StringComparer.Ordinal);

    /// <summary>Calls not yet ended.</summary>
    public int Count => _callsByDialog.Count;

    public ICollection<IDialogCall> Calls => _callsByDialog.Values;

    public void Add(IncomingCall call, string inviteKey)
    {
        _callsByDialog[call.Dialog.Key] = call;
        _callsByInvite[inviteKey] = call;
    }

    public void Add(SipDialog dialog, OutgoingCall call) => _callsByDialog[dialog.Key] = call;

    /// <summary>The call of a request inside a dialog (§12.2.2: To tag ours, From tag theirs), or null.</summary>
    public IDialogCall? Find(SipRequest request)
    {
        SipNameAddress.TryParse(request.To ?? string.Empty, out var to);
        SipNameAddress.TryParse(request.From ?? string.Empty, out var from);
        return to?.Tag is { } localTag && from?.Tag is { } remoteTag
            && _callsByDialog.TryGetValue(SipDialog.KeyOf(request.CallId ?? string.Empty, localTag, remoteTag), out var call)
            ? call
            : null;
    }

    /// <summary>The call we placed that a response belongs to (From tag ours, To tag theirs), or null.</summary>
    public OutgoingCall? FindOutgoing(SipResponse response)
    {
        SipNameAddress.TryParse(response.From ?? string.Empty, out var from);
        SipNameAddress.TryParse(response.To ?? string.Empty, out var to);
        return from?.Tag is { } localTag && to?.Tag is { } remoteTag
            && _callsByDialog.TryGetValue(SipDialog.KeyOf(response.CallId ?? string.Empty, localTag, remoteTag), out var call)
            ? call as OutgoingCall
            : null;
    }

    /// <summary>The incoming call whose INVITE a CANCEL names (§9.2), or null.</summary>
    public IncomingCall? FindCancelled(SipRequest cancel)
        => TransactionKey.ForCancelledInvite(cancel) is { } inviteKey && _callsByInvite.TryGetValue(inviteKey, out var call) ? call : null;

    public void Remove(IncomingCall call)
    {
        _callsByDialog.TryRemove(call.Dialog.Key, out _);
        _callsByInvite.TryRemove(call.InviteTransactionKey, out _);
    }

    public void Remove(OutgoingCall call)
    {
        if (call.Dialog is { } dialog)
        {
            _callsByDialog.TryRemove(dialog.Key, out _);
        }
    }
}
