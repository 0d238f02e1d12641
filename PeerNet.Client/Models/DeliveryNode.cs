namespace PeerNet.Client;

/// <summary>One node that delivered a reported announce.</summary>
/// <param name="Node">Its node id.</param>
/// <param name="Hops">Hops the announce reached it with.</param>
/// <param name="From">The peer it got the announce from.</param>
/// <param name="AfterMs">Milliseconds after sending that its acknowledgement arrived.</param>
/// <param name="DroppedForwards">Its forwards of the announce that were dropped.</param>
public sealed record DeliveryNode(string Node, uint Hops, string From, double AfterMs, int DroppedForwards);
