using System.Buffers;

namespace PeerNet.Protocol;

/// <summary>What <see cref="FrameReader.TryReadFrame"/> found at the start of the buffer.</summary>
public enum FrameStatus
{
    /// <summary>More bytes are needed; nothing was consumed.</summary>
    Incomplete,

    /// <summary>A whole frame; its payload was sliced off the buffer.</summary>
    Frame,

    /// <summary>The announced length is over the maximum: a protocol violation (close; allocate nothing).</summary>
    Oversize,

    /// <summary>The length prefix is not a valid 32-bit varint: a protocol violation.</summary>
    BadPrefix,
}
