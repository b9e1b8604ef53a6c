using System.Net;

namespace VoiceAgent.Telephony.Sip.Transport;

/// <summary>Why an inbound connection was not admitted.</summary>
internal enum TcpAdmission
{
    Admitted,

    /// <summary>Sip:MaxTcpConnections inbound connections are open.</summary>
    HostFull,

    /// <summary>Sip:MaxTcpConnectionsPerAddress connections from this address are open.</summary>
    AddressFull,
}

/// <summary>
/// Counts open TCP connections: inbound ones in total and per source address, outbound ones apart,
/// so a crowd of inbound peers can never stop the host reaching its own trunks.
/// </summary>
internal sealed class TcpConnectionBudget(int maxInbound, int maxPerAddress, int maxOutbound)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<IPAddress, int> _perAddress = [];
    private int _inbound;
    private int _outbound;

    public int Inbound => Volatile.Read(ref _inbound);

    public TcpAdmission TryAdmitInbound(IPAddress address)
    {
        lock (_lock)
        {
            if (_inbound >= maxInbound)
            {
                return TcpAdmission.HostFull;
            }

            var open = _perAddress.GetValueOrDefault(address);
            if (open >= maxPerAddress)
            {
                return TcpAdmission.AddressFull;
            }

            _perAddress[address] = open + 1;
            _inbound++;
            return TcpAdmission.Admitted;
        }
    }

    public int OpenFrom(IPAddress address)
    {
        lock (_lock)
        {
            return _perAddress.GetValueOrDefault(address);
        }
    }

    public bool TryOpenOutbound()
    {
        lock (_lock)
        {
            if (_outbound >= maxOutbound)
            {
                return false;
            }

            _outbound++;
            return true;
        }
    }

    public void Release(SipTcpConnection connection)
    {
        lock (_lock)
        {
            if (!connection.Inbound)
            {
                _outbound--;
                return;
            }

            _inbound--;
            var address = connection.Remote.Address;
            if (_perAddress.TryGetValue(address, out var open) && open > 1)
            {
                _perAddress[address] = open - 1;
            }
            else
            {
                _perAddress.Remove(address);
            }
        }
    }
}
