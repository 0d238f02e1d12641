namespace PeerNet.Protocol;

/// <summary>
/// The one hop rule (wire-protocol.md, "hops vs limit"), as the original applies it: a node accepts a request while
/// <c>hops &lt;= MaxHops</c> and, when it has a <c>limit</c>, <c>hops &lt;= limit</c>; it forwards with <c>hops + 1</c>
/// while the next node would accept that. So a limit of N reaches nodes up to N + 1 links from the announcer (on a
/// line n0..n4, limit 2 from n0 reaches n1, n2 and n3). The session's validator, the router's forward, the own-announce
/// check and the simulator all ask this type, so they cannot disagree.
/// </summary>
public static class HopRule
{
    /// <summary>True when a node accepts a request that arrives with <paramref name="hops"/> and <paramref name="limit"/> (0: none).</summary>
    public static bool Accepts(uint hops, uint limit, int maxHops) =>
        hops <= (uint)maxHops && (limit == 0 || hops <= limit);

    /// <summary>True when a node that accepted a request with <paramref name="hops"/> forwards it (with hops + 1).</summary>
    public static bool Forwards(uint hops, uint limit, int maxHops) =>
        hops < uint.MaxValue && Accepts(hops + 1, limit, maxHops);

    /// <summary>Why a request with <paramref name="hops"/> and <paramref name="limit"/> is not accepted, or null when it is.</summary>
    public static string? Refusal(uint hops, uint limit, int maxHops)
    {
        if (hops > (uint)maxHops)
            return $"hops {hops} over the maximum {maxHops}";
        if (limit != 0 && hops > limit)
            return $"hops {hops} over the request's limit {limit}";
        return null;
    }
}
