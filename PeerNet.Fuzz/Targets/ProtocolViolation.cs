using Google.Protobuf;
using PeerNet.Protocol;

namespace PeerNet.Fuzz.Targets;

/// <summary>What the receive path defines as a peer's protocol violation: the session closes on these, nothing crashes.</summary>
public static class ProtocolViolation
{
    /// <summary>True for the exceptions the session turns into a violation (PeerSession.ReadFrames).</summary>
    public static bool Is(Exception exception) => exception is InvalidProtocolBufferException or MalformedFrameException;
}
