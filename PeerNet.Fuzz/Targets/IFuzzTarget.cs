namespace PeerNet.Fuzz.Targets;

/// <summary>
/// One fuzz target: runs one input through a piece of the receive path. Returns for every input the node handles,
/// protocol violations included (<see cref="ProtocolViolation"/>); throws for anything else, which AFL records as a crash.
/// Disposing a session target stops its node.
/// </summary>
public interface IFuzzTarget : IDisposable
{
    /// <summary>The name <c>.ci/fuzz --target</c> and the corpus folder use.</summary>
    string Name { get; }

    /// <summary>Runs <paramref name="input"/>; throws <see cref="FuzzFailure"/> when a check fails.</summary>
    void Run(byte[] input);
}
