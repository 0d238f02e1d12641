namespace PeerNet;

/// <summary>
/// The one source of randomness in PeerNet, injectable so tests can be deterministic.
/// Thread-safe: the engine draws from it on many threads.
/// </summary>
public class RandomSource
{
    private readonly Random _random;
    private readonly bool _shared;

    /// <summary>A source backed by <see cref="Random.Shared"/> (thread-safe, unseeded).</summary>
    public RandomSource()
    {
        _random = Random.Shared;
        _shared = true;
    }

    /// <summary>A deterministic source for tests and simulations.</summary>
    public RandomSource(int seed) => _random = new Random(seed);

    /// <summary>Fills <paramref name="buffer"/> with random bytes.</summary>
    public virtual void NextBytes(Span<byte> buffer)
    {
        if (_shared) { _random.NextBytes(buffer); return; }
        lock (_random) _random.NextBytes(buffer);
    }

    /// <summary>A random integer in [0, <paramref name="maxExclusive"/>).</summary>
    public virtual int Next(int maxExclusive)
    {
        if (_shared) return _random.Next(maxExclusive);
        lock (_random) return _random.Next(maxExclusive);
    }

    /// <summary>A random double in [0, 1).</summary>
    public virtual double NextDouble()
    {
        if (_shared) return _random.NextDouble();
        lock (_random) return _random.NextDouble();
    }
}
