using PeerNet.Gossip.Announcing;

namespace PeerNet.Host.Api;

/// <summary>A delivery report: the PeerNet nodes that delivered an announce, by hop, and what was dropped on the way.</summary>
/// <param name="Id">The announce id.</param>
/// <param name="SentAt">When this node sent it.</param>
/// <param name="Complete">True once the announce ended (no more acknowledgements are taken).</param>
/// <param name="Reached">PeerNet nodes that acknowledged it.</param>
/// <param name="ByHop">How many of them at each hop count (0: this node's direct peers).</param>
/// <param name="Coverage">Reached over the other nodes of this node's last census; null before a census.</param>
/// <param name="CensusSize">Nodes of the last census, this one included; null before a census.</param>
/// <param name="TimeToLastMs">When the last acknowledgement arrived, in milliseconds after sending; null for none.</param>
/// <param name="DroppedForwards">Copies dropped on the way (full send queues), this node's own included.</param>
/// <param name="Nodes">Each node: its id, hops, the peer it got the announce from, when, and its dropped forwards.</param>
public sealed record DeliveryReportBody(string Id, DateTimeOffset SentAt, bool Complete, int Reached, IReadOnlyDictionary<string, int> ByHop,
    double? Coverage, int? CensusSize, double? TimeToLastMs, int DroppedForwards, IReadOnlyList<DeliveryNode> Nodes)
{
    internal static DeliveryReportBody From(DeliveryReport report, int? censusSize)
    {
        var entries = report.Entries;
        return new DeliveryReportBody(
            report.Id,
            report.SentAt,
            report.Complete,
            entries.Count,
            entries.GroupBy(e => e.Hops).OrderBy(g => g.Key).ToDictionary(g => g.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), g => g.Count()),
            censusSize is > 1 ? Math.Round((double)entries.Count / (censusSize.Value - 1), 4) : null,
            censusSize,
            entries.Count == 0 ? null : Math.Round(entries.Max(e => e.After).TotalMilliseconds, 1),
            report.DroppedAtSource + entries.Sum(e => e.DroppedForwards),
            [.. entries.Select(e => new DeliveryNode(e.Node, e.Hops, e.From, Math.Round(e.After.TotalMilliseconds, 1), e.DroppedForwards))]);
    }
}
