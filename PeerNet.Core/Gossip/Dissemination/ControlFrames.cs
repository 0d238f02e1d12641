using PeerNet.Protocol;

namespace PeerNet.Gossip.Dissemination;

/// <summary>Sizes of the control frames the router sends (built by <see cref="ControlFrame"/>).</summary>
public static class ControlFrames
{
    /// <summary>
    /// Largest IHAVE frame the router gathers, in encoded id bytes: well under the smallest frame limit a peer may
    /// set (<see cref="PeerNetOptions.MaxFrameLength"/>, at least 2048), which a 64-id frame of 64-byte ids would pass.
    /// </summary>
    public const int MaxIhaveFrameBytes = 1024;
}
