using System.Collections.Concurrent;
using System.Net;
using VoiceAgent.Telephony.Sip.Authentication;
using VoiceAgent.Telephony.Sip.Dialogs;
using VoiceAgent.Telephony.Sip.Transactions;

namespace VoiceAgent.Telephony.Sip.UserAgent;

/// <summary>The accounts kept registered (RFC 3261 §10): their registrars are trusted, and calls from them use the account's credentials.</summary>
internal sealed class RegistrationTable(IRequestChannel channel, SipLocalAddress local)
{
    private readonly ConcurrentDictionary<SipRegistration, byte> _registrations = new();

    /// <summary>Keeps an account registered until the returned registration is disposed.</summary>
    public SipRegistration Register(RegistrationOptions options)
    {
        var registration = new SipRegistration(channel, local, options, r => _registrations.TryRemove(r, out _));
        _registrations[registration] = 0;
        registration.Start();
        return registration;
    }

    /// <summary>Whether <paramref name="source"/> is the registrar of one of our accounts.</summary>
    public bool IsRegistrar(IPAddress source)
    {
        // Enumerating the dictionary itself takes no lock and copies nothing (its Keys property does both).
        foreach (var registration in _registrations)
        {
            if (source.Equals(registration.Key.RegistrarAddress))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The credentials of the account registered at <paramref name="peer"/>'s address: a call that
    /// comes in through a trunk uses them when the trunk challenges our requests in the dialog.
    /// </summary>
    public DigestCredentials? CredentialsFor(IPEndPoint peer)
        => _registrations.Keys.FirstOrDefault(r => peer.Address.Equals(r.RegistrarAddress))?.Options.Credentials;
}
