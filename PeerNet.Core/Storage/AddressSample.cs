namespace PeerNet.Storage;

/// <summary>
/// A draw from the address table in its two parts: trusted addresses (explicit saves and tried ones) and addresses
/// only learned (the new table), each in random ring order. <see cref="Take"/> mixes them at a trusted share.
/// </summary>
/// <param name="Trusted">Explicit and tried addresses.</param>
/// <param name="Learned">New-table addresses.</param>
/// <param name="Saved">Those of <paramref name="Trusted"/> saved explicitly (the rest came from gossip).</param>
public sealed record AddressSample(IReadOnlyList<string> Trusted, IReadOnlyList<string> Learned, IReadOnlySet<string> Saved)
{
    /// <summary>An empty sample.</summary>
    public static readonly AddressSample Empty = new([], [], new HashSet<string>());

    /// <summary>
    /// Up to <paramref name="count"/> addresses, at least <paramref name="trustedShare"/> of them trusted while the trusted
    /// part has enough (the learned part fills what it lacks, and the trusted part what the learned part lacks); trusted
    /// ones first. With <paramref name="random"/>, a random subset of each part; without, each part's first.
    /// </summary>
    public IReadOnlyList<string> Take(int count, double trustedShare, RandomSource? random = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var trustedWanted = (int)Math.Ceiling(count * trustedShare);
        var takeTrusted = Math.Min(Trusted.Count, Math.Max(trustedWanted, count - Learned.Count));
        var takeLearned = Math.Min(Learned.Count, count - takeTrusted);
        var result = new List<string>(takeTrusted + takeLearned);
        Pick(Trusted, takeTrusted, random, result);
        Pick(Learned, takeLearned, random, result);
        return result;
    }

    private static void Pick(IReadOnlyList<string> part, int take, RandomSource? random, List<string> into)
    {
        if (random is null || take == part.Count)
        {
            for (var i = 0; i < take; i++)
                into.Add(part[i]);
            return;
        }
        var copy = part.ToList();
        var picked = Gossip.Dissemination.RandomFanoutRule.PickTargets(copy, take, random);
        for (var i = 0; i < picked; i++)
            into.Add(copy[i]);
    }
}
