namespace PeerNet.Peers;

/// <summary>Traffic and trouble counters of one peer session (thread-safe; read for metrics and debugging).</summary>
public sealed class PeerCounters
{
    internal long FramesIn, FramesOut, BytesIn, BytesOut, Discarded, Violations, Dropped, Unsolicited;

    /// <summary>Frames received (keep-alives included).</summary>
    public long FramesReceived => Interlocked.Read(ref FramesIn);

    /// <summary>Frames sent.</summary>
    public long FramesSent => Interlocked.Read(ref FramesOut);

    /// <summary>Bytes received.</summary>
    public long BytesReceived => Interlocked.Read(ref BytesIn);

    /// <summary>Bytes sent.</summary>
    public long BytesSent => Interlocked.Read(ref BytesOut);

    /// <summary>Messages discarded for breaking a field limit.</summary>
    public long MessagesDiscarded => Interlocked.Read(ref Discarded);

    /// <summary>Protocol violations (each closes the connection, so 0 or 1).</summary>
    public long ProtocolViolations => Interlocked.Read(ref Violations);

    /// <summary>Forwarded messages dropped because the send queue was full.</summary>
    public long SendsDropped => Interlocked.Read(ref Dropped);

    /// <summary>Messages dropped as unsolicited or out of place (a relayed _hello answer, a response answering nothing).</summary>
    public long MessagesIgnored => Interlocked.Read(ref Unsolicited);
}
