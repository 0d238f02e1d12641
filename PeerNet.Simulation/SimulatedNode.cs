using PeerNet.Gossip.Dissemination;
namespace PeerNet.Simulation;

/// <summary>One simulated node: its router, its links and whether it is alive.</summary>
public sealed class SimulatedNode
{
    internal SimulatedNode(SimulatedNetwork network, int index, IDisseminationRule router, int maxHops, bool isOriginal)
    {
        Network = network;
        Index = index;
        Router = router;
        MaxHops = maxHops;
        IsOriginal = isOriginal;
    }

    /// <summary>The network the node is in.</summary>
    public SimulatedNetwork Network { get; }

    /// <summary>Position in the network.</summary>
    public int Index { get; }

    /// <summary>The node's router.</summary>
    public IDisseminationRule Router { get; }

    /// <summary>Requests with more hops are discarded on arrival (the wire limit check the caller of the router does).</summary>
    public int MaxHops { get; }

    /// <summary>An original peernet node: random fanout 3, hop limit 15, no control frames.</summary>
    public bool IsOriginal { get; }

    /// <summary>A dead node loses every frame sent to it; its peers do not know.</summary>
    public bool IsAlive { get; internal set; } = true;

    /// <summary>This node's ends of its links.</summary>
    public List<SimulatedLink> Links { get; } = new();
}
