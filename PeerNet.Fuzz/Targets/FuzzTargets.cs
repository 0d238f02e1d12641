namespace PeerNet.Fuzz.Targets;

/// <summary>The targets by name.</summary>
public static class FuzzTargets
{
    /// <summary>Every target's name, in the order <c>.ci/fuzz</c> runs them.</summary>
    public static readonly IReadOnlyList<string> Names = ["frames", "decode", "hello", "addrs"];

    /// <summary>Creates the target called <paramref name="name"/> (the session targets start an in-memory node: dispose them).</summary>
    public static IFuzzTarget Create(string name) => name switch
    {
        "frames" => new FramesTarget(),
        "decode" => new DecodeTarget(),
        "hello" => new HelloTarget(),
        "addrs" => new AddrsTarget(),
        _ => throw new ArgumentException($"unknown target '{name}' (one of {string.Join(", ", Names)})", nameof(name)),
    };
}
