using PeerNet.Fuzz.Sessions;
using PeerNet.Protocol;

namespace PeerNet.Fuzz.Targets;

/// <summary>
/// The _hello handshake as a session sees it: the input is everything a new inbound peer sends (the corpus answers the
/// node's _hello, whose id is fixed by <see cref="SessionHarness.Seed"/>). Checks: the session ends without a fault
/// (an exception its loops caught, an Error log), and a peer is admitted only after the node answered its _hello.
/// </summary>
public sealed class HelloTarget : IFuzzTarget
{
    private readonly SessionHarness _harness = SessionHarness.Start();

    /// <inheritdoc />
    public string Name => "hello";

    /// <summary>The node's services (its metrics, store).</summary>
    public IServiceProvider Services => _harness.Services;

    /// <inheritdoc />
    public void Run(byte[] input) => RunSession(input);

    /// <summary>Runs the input; returns what the session did.</summary>
    public SessionRun RunSession(byte[] input)
    {
        var run = _harness.Run([], input);
        if (run.Handshaken && !run.Sent.Any(m => m.Response is { } r && r.Type.Equals(MessageTypes.Hello)))
            throw new FuzzFailure("a peer was admitted before the node answered its _hello");
        return run;
    }

    /// <inheritdoc />
    public void Dispose() => _harness.DisposeAsync().AsTask().GetAwaiter().GetResult();
}
