using System.Security.Cryptography;

namespace PeerNet;

/// <summary>
/// The one source of randomness in PeerNet, injectable so tests can be deterministic.
/// Thread-safe: the engine draws from it on many threads.
/// </summary>
/// <remarks>
/// Unseeded, its bytes (ids, reply handles, node ids) come from the operating system's cryptographic generator:
/// <see cref="Random.Shared"/>'s xoshiro256** can be recovered from 100 consecutive ids of one _addrs answer, and then
/// an attacker could squat this node's future announce ids (threat L4). Choices (fanout picks, jitter) stay on
/// Random.Shared: nobody gains by predicting them.
/// </remarks>
public class RandomSource
{
    private readonly Random _random;
    private readonly bool _shared;

    /// <summary>A source backed by the cryptographic generator for bytes and <see cref="Random.Shared"/> for numbers (thread-safe, unseeded).</summary>
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
        if (_shared) { RandomNumberGenerator.Fill(buffer); return; }
        lock (_random) _random.NextBytes(buffer);
    }

    /// <summary>True for the unseeded source, whose bytes come from the cryptographic generator (not overridden).</summary>
    internal bool IsSystem => _shared && GetType() == typeof(RandomSource);

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
