using VoiceAgent.Telephony.Sip.Messages;

namespace VoiceAgent.Telephony.Sip.Dialogs;

/// <summary>Creates dialogs: the UAS side from an INVITE (RFC 3261 §12.1.1), the UAC side from the 2xx to ours (§12.1.2).</summary>
internal static class SipDialogFactory
{
    public static SipDialog ForIncomingInvite(SipRequest invite, string localTag)
    {
        SipNameAddress.TryParse(invite.From!, out var from);
        SipNameAddress.TryParse(invite.To!, out var to);
        var contact = invite.Headers.Get(SipHeaderNames.Contact) is { } c
            && SipNameAddress.TryParse(SipHeaderValueSplitter.Split(c).FirstOrDefault() ?? string.Empty, out var contactAddress)
            ? contactAddress!.Uri
            : from!.Uri;
        // §12.1.1: the route set is the Record-Route list in order.
        var routes = invite.Headers.GetAll(SipHeaderNames.RecordRoute).SelectMany(SipHeaderValueSplitter.Split).ToList();
        return new SipDialog(invite.CallId!, localTag, from!.Tag ?? string.Empty, to!.Uri, from.Uri, contact, routes);
    }

    public static SipDialog ForOutgoingInvite(SipRequest invite, SipResponse ok)
    {
        SipNameAddress.TryParse(invite.From!, out var from);
        SipNameAddress.TryParse(ok.To ?? invite.To!, out var to);
        var contact = ok.Headers.Get(SipHeaderNames.Contact) is { } c
            && SipNameAddress.TryParse(SipHeaderValueSplitter.Split(c).FirstOrDefault() ?? string.Empty, out var contactAddress)
            ? contactAddress!.Uri
            : invite.RequestUri;
        // §12.1.2: the UAC's route set is the 2xx's Record-Route list in reverse order.
        var routes = ok.Headers.GetAll(SipHeaderNames.RecordRoute).SelectMany(SipHeaderValueSplitter.Split).Reverse().ToList();
        return new SipDialog(invite.CallId!, from!.Tag ?? string.Empty, to!.Tag ?? string.Empty, from.Uri, to.Uri, contact, routes);
    }
}
