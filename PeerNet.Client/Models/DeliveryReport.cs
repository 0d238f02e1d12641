namespace PeerNet.Client;

/// <summary>A delivery report: <c>GET /api/announces/{id}</c>, and the <c>summary</c> event of a reported announce.</summary>
/// <param name="Id">The announce id.</param>
/// <param name="SentAt">When the node sent it.</param>
/// <param name="Complete">True once the announce ended.</param>
/// <param name="Reached">PeerNet nodes that acknowledged it.</param>
/// <param name="ByHop">How many of them at each hop count.</param>
/// <param name="Coverage">Reached over the other nodes of the last census; null before a census.</param>
/// <param name="CensusSize">Nodes of the last census; null before a census.</param>
/// <param name="TimeToLastMs">When the last acknowledgement arrived, in milliseconds after sending.</param>
/// <param name="DroppedForwards">Copies dropped on the way.</param>
/// <param name="Nodes">Each node that delivered it.</param>
public sealed record DeliveryReport(string Id, DateTimeOffset SentAt, bool Complete, int Reached, IReadOnlyDictionary<string, int> ByHop,
    double? Coverage, int? CensusSize, double? TimeToLastMs, int DroppedForwards, IReadOnlyList<DeliveryNode> Nodes);
