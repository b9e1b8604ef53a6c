using VoiceAgent.Telephony.Sip.Messages;

namespace VoiceAgent.Telephony.Sip.Parsing;

/// <summary>
/// Header-level checks after framing: the mandatory headers of RFC 3261 §8.1.1 present exactly
/// once and parseable, CSeq matching the method (§8.2; RFC 4475 §3.1.2.17), every Via parseable.
/// </summary>
internal static class SipMessageValidator
{
    public static (SipParseErrorKind Kind, string Detail)? Validate(SipStartLine startLine, SipHeaderCollection headers)
    {
        var vias = headers.GetAll(SipHeaderNames.Via).SelectMany(SipHeaderValueSplitter.Split).ToList();
        if (vias.Count == 0)
        {
            return (SipParseErrorKind.MissingOrDuplicateHeader, "missing Via");
        }

        foreach (var via in vias)
        {
            if (!SipVia.TryParse(via, out _))
            {
                return (SipParseErrorKind.BadHeader, $"malformed Via '{SipMessageParser.Truncate(via)}'");
            }
        }

        foreach (var name in new[] { SipHeaderNames.From, SipHeaderNames.To })
        {
            var values = headers.GetAll(name).SelectMany(SipHeaderValueSplitter.Split).ToList();
            if (values.Count != 1)
            {
                return (SipParseErrorKind.MissingOrDuplicateHeader, $"{name} must appear exactly once");
            }

            if (!SipNameAddress.TryParse(values[0], out _))
            {
                return (SipParseErrorKind.BadHeader, $"malformed {name} '{SipMessageParser.Truncate(values[0])}'");
            }
        }

        foreach (var name in new[] { SipHeaderNames.CallId, SipHeaderNames.CSeq })
        {
            var count = headers.GetAll(name).Count();
            if (count != 1)
            {
                return (SipParseErrorKind.MissingOrDuplicateHeader, $"{name} must appear exactly once");
            }
        }

        var maxForwards = headers.GetAll(SipHeaderNames.MaxForwards).ToList();
        if (maxForwards.Count > 1)
        {
            return (SipParseErrorKind.MissingOrDuplicateHeader, "Max-Forwards must appear at most once");
        }

        // Max-Forwards = 1*DIGIT (RFC 3261 §20.22); large values are tolerated (RFC 4475 §3.1.2.4).
        if (maxForwards.Count == 1 && (maxForwards[0].Length == 0 || !maxForwards[0].All(char.IsAsciiDigit)))
        {
            return (SipParseErrorKind.BadHeader, $"malformed Max-Forwards '{SipMessageParser.Truncate(maxForwards[0])}'");
        }

        if (!SipCSeq.TryParse(headers.Get(SipHeaderNames.CSeq), out var cseq))
        {
            return (SipParseErrorKind.BadHeader, "malformed CSeq");
        }

        if (startLine.IsRequest && !string.Equals(cseq.Method, startLine.Method, StringComparison.Ordinal))
        {
            return (SipParseErrorKind.BadHeader, $"CSeq method {cseq.Method} does not match {startLine.Method}");
        }

        foreach (var contact in headers.GetAll(SipHeaderNames.Contact).SelectMany(SipHeaderValueSplitter.Split))
        {
            if (contact != "*" && !SipNameAddress.TryParse(contact, out _))
            {
                return (SipParseErrorKind.BadHeader, $"malformed Contact '{SipMessageParser.Truncate(contact)}'");
            }
        }

        return null;
    }
}
