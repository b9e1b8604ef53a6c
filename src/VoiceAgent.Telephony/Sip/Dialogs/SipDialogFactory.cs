using VoiceAgent.Telephony.Sip.Messages;

namespace VoiceAgent.Telephony.Sip.Dialogs;

/// <summary>Creates the UAS side of a dialog from an INVITE (RFC 3261 §12.1.1).</summary>
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
}
