using PeerNet.Gossip.Dissemination;
namespace PeerNet.Simulation;

/// <summary>What one simulated announce did, from publish to quiescence.</summary>
/// <param name="Reached">Nodes that got it (the announcer included).</param>
/// <param name="Duplicated">Nodes whose router accepted it more than once (must be 0).</param>
/// <param name="MaxHops">Highest hop count of a delivery; -1 when nobody else got it.</param>
/// <param name="CopiesSent">Full announce frames sent (sends to dead peers and GRAFT answers included).</param>
/// <param name="ControlFramesSent">Control frames sent.</param>
/// <param name="Duration">Virtual time from publish to the last event.</param>
public readonly record struct BroadcastResult(int Reached, int Duplicated, int MaxHops, long CopiesSent, long ControlFramesSent, TimeSpan Duration)
{
    /// <summary>The frames sent, by kind.</summary>
    public FrameCounts Frames { get; init; }
}
