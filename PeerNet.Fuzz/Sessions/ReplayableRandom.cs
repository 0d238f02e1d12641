namespace PeerNet.Fuzz.Sessions;

/// <summary>
/// The harness node's randomness, restarted from one seed before every input: the node's _hello id and its _addrs
/// request id are then the same in every run, so a corpus can answer them (AFL cannot guess 8 random bytes).
/// </summary>
public sealed class ReplayableRandom(int seed) : RandomSource
{
    private Random _random = new(seed);

    /// <summary>Starts the sequence over.</summary>
    public void Reset()
    {
        lock (this)
            _random = new Random(seed);
    }

    /// <inheritdoc />
    public override void NextBytes(Span<byte> buffer)
    {
        lock (this) _random.NextBytes(buffer);
    }

    /// <inheritdoc />
    public override int Next(int maxExclusive)
    {
        lock (this) return _random.Next(maxExclusive);
    }

    /// <inheritdoc />
    public override double NextDouble()
    {
        lock (this) return _random.NextDouble();
    }
}
