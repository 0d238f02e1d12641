namespace PeerNet.Gossip.Announcing;

/// <summary>One node that delivered a reported announce.</summary>
/// <param name="Node">Its node id.</param>
/// <param name="Hops">The hops the request reached it with (0: a direct peer of the announcer).</param>
/// <param name="From">The peer it got the request from.</param>
/// <param name="After">How long after it was sent its acknowledgement arrived.</param>
/// <param name="DroppedForwards">Its own forwards of the request that were dropped (full send queues).</param>
public sealed record DeliveryEntry(string Node, uint Hops, string From, TimeSpan After, int DroppedForwards);
