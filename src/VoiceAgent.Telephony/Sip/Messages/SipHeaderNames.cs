namespace VoiceAgent.Telephony.Sip.Messages;

/// <summary>Canonical header names and the RFC 3261 §7.3.3 compact forms.</summary>
public static class SipHeaderNames
{
    public const string Via = "Via";
    public const string From = "From";
    public const string To = "To";
    public const string CallId = "Call-ID";
    public const string CSeq = "CSeq";
    public const string Contact = "Contact";
    public const string MaxForwards = "Max-Forwards";
    public const string ContentLength = "Content-Length";
    public const string ContentType = "Content-Type";
    public const string ContentEncoding = "Content-Encoding";
    public const string Subject = "Subject";
    public const string Supported = "Supported";
    public const string Require = "Require";
    public const string ProxyRequire = "Proxy-Require";
    public const string Unsupported = "Unsupported";
    public const string Allow = "Allow";
    public const string Accept = "Accept";
    public const string RecordRoute = "Record-Route";
    public const string Route = "Route";
    public const string UserAgent = "User-Agent";
    public const string Server = "Server";
    public const string RetryAfter = "Retry-After";
    public const string ReferTo = "Refer-To";
    public const string ReferredBy = "Referred-By";
    public const string Event = "Event";
    public const string AllowEvents = "Allow-Events";
    public const string Reason = "Reason";
    public const string Warning = "Warning";
    public const string WwwAuthenticate = "WWW-Authenticate";
    public const string ProxyAuthenticate = "Proxy-Authenticate";
    public const string Authorization = "Authorization";
    public const string ProxyAuthorization = "Proxy-Authorization";
    public const string Expires = "Expires";
    public const string SessionExpires = "Session-Expires";
    public const string MinSE = "Min-SE";

    /// <summary>
    /// Maps a header name as written on the wire (any case, long or compact form) to its canonical
    /// long form; unknown names keep their spelling. RFC 3261 §7.3.1: names are case-insensitive.
    /// </summary>
    public static string Canonicalize(string name)
    {
        if (name.Length == 1)
        {
            switch (char.ToLowerInvariant(name[0]))
            {
                case 'v': return Via;
                case 'f': return From;
                case 't': return To;
                case 'i': return CallId;
                case 'm': return Contact;
                case 'l': return ContentLength;
                case 'c': return ContentType;
                case 'e': return ContentEncoding;
                case 's': return Subject;
                case 'k': return Supported;
                case 'r': return ReferTo;
                case 'o': return Event;
                case 'b': return ReferredBy;
                case 'u': return AllowEvents;
                case 'x': return SessionExpires;
            }
        }

        foreach (var known in Known)
        {
            if (string.Equals(known, name, StringComparison.OrdinalIgnoreCase))
            {
                return known;
            }
        }

        return name;
    }

    private static readonly string[] Known =
    [
        Via, From, To, CallId, CSeq, Contact, MaxForwards, ContentLength, ContentType, ContentEncoding,
        Subject, Supported, Require, ProxyRequire, Unsupported, Allow, Accept, RecordRoute, Route,
        UserAgent, Server, RetryAfter, ReferTo, ReferredBy, Event, AllowEvents, Reason, Warning,
        WwwAuthenticate, ProxyAuthenticate, Authorization, ProxyAuthorization, Expires, SessionExpires, MinSE,
    ];
}
