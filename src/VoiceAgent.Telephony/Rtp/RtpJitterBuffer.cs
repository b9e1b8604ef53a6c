namespace VoiceAgent.Telephony.Rtp;

/// <summary>
/// A small reorder buffer for the caller's packets: holds up to <c>depth</c> packets so one that
/// arrives out of order is still played in order; drops late and duplicate packets; when a gap
/// outlives the depth the missing packet is declared lost (the decoder conceals it). Payloads are
/// copied into pre-allocated slots: nothing is allocated per packet.
/// </summary>
public sealed class RtpJitterBuffer
{
    private readonly byte[][] _slots;
    private readonly int[] _lengths;
    private readonly bool[] _filled;
    private ushort _next;
    private bool _started;
    private int _count;

    /// <param name="depth">Packets held; a power of two so slots stay aligned across the 16-bit sequence wrap.</param>
    public RtpJitterBuffer(int depth = 4, int maxPayload = 1500)
    {
        if (depth < 2 || (depth & (depth - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(depth), "The depth must be a power of two, at least 2.");
        }

        _slots = new byte[depth][];
        for (var i = 0; i < depth; i++)
        {
            _slots[i] = new byte[maxPayload];
        }

        _lengths = new int[depth];
        _filled = new bool[depth];
    }

    public long Dropped { get; private set; }

    public long Concealed { get; private set; }

    /// <summary>Stores a packet. Late (already played or skipped), duplicate or oversize packets are dropped.</summary>
    public void Push(ushort sequence, ReadOnlySpan<byte> payload)
    {
        if (!_started)
        {
            _started = true;
            _next = sequence;
        }

        var ahead = (ushort)(sequence - _next);
        if (ahead >= 0x8000 || payload.Length > _slots[0].Length)
        {
            Dropped++;
            return;
        }

        // Too far ahead for the window (a burst of loss): give up on what the window holds before it.
        while (ahead >= _slots.Length)
        {
            SkipOne();
            ahead = (ushort)(sequence - _next);
        }

        var slot = sequence % _slots.Length;
        if (_filled[slot])
        {
            Dropped++;
            return;
        }

        payload.CopyTo(_slots[slot]);
        _lengths[slot] = payload.Length;
        _filled[slot] = true;
        _count++;
    }

    /// <summary>
    /// Next packet in order. <paramref name="lost"/> is true when the next one is missing but the
    /// window is full, so waiting longer would delay everything behind it.
    /// </summary>
    public bool TryPop(Span<byte> payload, out int length, out bool lost)
    {
        length = 0;
        lost = false;
        var slot = _next % _slots.Length;
        if (_filled[slot])
        {
            _lengths[slot] = Math.Min(_lengths[slot], payload.Length);
            _slots[slot].AsSpan(0, _lengths[slot]).CopyTo(payload);
            length = _lengths[slot];
            _filled[slot] = false;
            _count--;
            _next++;
            return true;
        }

        if (_count >= _slots.Length - 1)
        {
            lost = true;
            Concealed++;
            _next++;
            return true;
        }

        return false;
    }

    private void SkipOne()
    {
        var slot = _next % _slots.Length;
        if (_filled[slot])
        {
            _filled[slot] = false;
            _count--;
            Dropped++;
        }

        _next++;
    }
}
