using Google.Protobuf;
using PeerNet.Fuzz.Corpus;
using PeerNet.Fuzz.Sessions;
using PeerNet.Protocol;

namespace PeerNet.Fuzz.Targets;

/// <summary>
/// _addrs handling as a handshaken session sees it: the harness sends a full handshake first, then the input (the
/// corpus asks with _addrs requests and answers the node's own request, whose id is fixed by
/// <see cref="SessionHarness.Seed"/>). Checks: the handshake completes (else the corpus no longer reaches node
/// exchange), and the session ends without a fault, node exchange's answer task included.
/// </summary>
public sealed class AddrsTarget : IFuzzTarget
{
    private readonly SessionHarness _harness = SessionHarness.Start();
    private readonly byte[] _handshake = SeedFrames.Handshake();

    /// <inheritdoc />
    public string Name => "addrs";

    /// <summary>The node's services (its metrics, store).</summary>
    public IServiceProvider Services => _harness.Services;

    /// <summary>The id of the _addrs request the node sends once the handshake completes (the same in every run).</summary>
    public ByteString AskId()
    {
        var ask = RunSession([]).Sent.FirstOrDefault(m => m.Request is { } r && r.Type.Equals(MessageTypes.Addrs));
        return ask?.Request.Id ?? throw new FuzzFailure("the node sent no _addrs request after the handshake");
    }

    /// <inheritdoc />
    public void Run(byte[] input) => RunSession(input);

    /// <summary>Runs the input after the handshake; returns what the session did.</summary>
    public SessionRun RunSession(byte[] input)
    {
        var run = _harness.Run(_handshake, input);
        if (!run.Handshaken)
            throw new FuzzFailure("the harness's handshake did not complete: the node's _hello id is not the one the corpus answers");
        return run;
    }

    /// <inheritdoc />
    public void Dispose() => _harness.DisposeAsync().AsTask().GetAwaiter().GetResult();
}
