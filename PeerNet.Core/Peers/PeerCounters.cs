namespace PeerNet.Peers;

/// <summary>
/// Traffic and trouble counters of one connection (read from any thread). Traffic has one writer each (the read
/// loop, the writer loop); node-wide totals are on the <c>PeerNet</c> meter.
/// </summary>
public sealed class PeerCounters
{
    internal long FramesIn, FramesOut, BytesIn, BytesOut, Discarded, Violations, Dropped, Unsolicited;

    /// <summary>Frames received (keep-alives included).</summary>
    public long FramesReceived => Volatile.Read(ref FramesIn);

    /// <summary>Frames sent.</summary>
    public long FramesSent => Volatile.Read(ref FramesOut);

    /// <summary>Bytes received.</summary>
    public long BytesReceived => Volatile.Read(ref BytesIn);

    /// <summary>Bytes sent.</summary>
    public long BytesSent => Volatile.Read(ref BytesOut);

    /// <summary>Messages discarded for breaking a field limit.</summary>
    public long MessagesDiscarded => Interlocked.Read(ref Discarded);

    /// <summary>Protocol violations (each closes the connection, so 0 or 1).</summary>
    public long ProtocolViolations => Interlocked.Read(ref Violations);

    /// <summary>Forwarded messages dropped because the send queue was full.</summary>
    public long SendsDropped => Interlocked.Read(ref Dropped);

    /// <summary>Messages dropped as unsolicited or out of place (a relayed _hello answer, a response answering nothing).</summary>
    public long MessagesIgnored => Interlocked.Read(ref Unsolicited);
}
