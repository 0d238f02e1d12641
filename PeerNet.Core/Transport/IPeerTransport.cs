using PeerNet.Addressing;

namespace PeerNet.Transport;

/// <summary>
/// Turns an address into a connected byte stream (the original's <c>opts.transport</c>). Register more with
/// <c>services.AddSingleton&lt;IPeerTransport, MyTransport&gt;()</c>; a later registration for a scheme wins.
/// </summary>
public interface IPeerTransport
{
    /// <summary>The URL schemes this transport dials.</summary>
    IReadOnlyCollection<string> Schemes { get; }

    /// <summary>Connects to <paramref name="address"/>; throws when it cannot (the message says why).</summary>
    Task<PeerConnection> ConnectAsync(PeerAddress address, CancellationToken cancellationToken);
}
