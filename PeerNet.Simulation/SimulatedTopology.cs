using PeerNet.Gossip.Dissemination;
namespace PeerNet.Simulation;

/// <summary>Ways to link the nodes of a <see cref="SimulatedNetwork"/>.</summary>
public static class SimulatedTopology
{
    /// <summary>Node i linked to node i+1.</summary>
    public static void Line(SimulatedNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        for (var i = 0; i + 1 < network.Nodes.Count; i++)
            network.Connect(i, i + 1);
    }

    /// <summary>
    /// Every node in [<paramref name="first"/>, <paramref name="end"/>) dials <paramref name="degree"/> distinct random
    /// others in that range (links are undirected, so the mean degree is about twice that).
    /// </summary>
    public static void DialRandom(SimulatedNetwork network, int degree, RandomSource random, int first = 0, int end = -1)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(random);
        if (end < 0)
            end = network.Nodes.Count;
        var span = end - first;
        var dials = Math.Min(degree, span - 1);
        for (var i = first; i < end; i++)
        {
            var made = 0;
            for (var attempts = 0; made < dials && attempts < dials * 20; attempts++)
            {
                if (network.Connect(i, first + random.Next(span)))
                    made++;
            }
        }
    }
}
