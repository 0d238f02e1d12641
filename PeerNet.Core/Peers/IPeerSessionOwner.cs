using PeerNet.Protocol;
using PeerNet.Protocol.Wire;

namespace PeerNet.Peers;

/// <summary>Why the owner refuses a handshaken peer.</summary>
/// <param name="Failure">The kind of refusal.</param>
/// <param name="Reason">The close reason.</param>
public sealed record HandshakeRefusal(PeerConnectFailure Failure, string Reason);

/// <summary>What a <see cref="PeerSession"/> needs from the node that owns it.</summary>
internal interface IPeerSessionOwner
{
    NodeId Self { get; }

    HelloExtension Extension { get; }

    PeerNetOptions Options { get; }

    RandomSource Random { get; }

    TimeProvider Time { get; }

    /// <summary>Registers a peer whose handshake completed; a refusal closes the session.</summary>
    HandshakeRefusal? OnHandshake(PeerSession session);

    /// <summary>A validated message from a handshaken peer that is not part of the handshake or an _addrs request.</summary>
    void OnMessage(PeerSession session, Message message);

    /// <summary>Addresses to answer an _addrs request with: advertised ones first, then a random sample.</summary>
    Task<IReadOnlyList<string>> PickAddressesAsync(int count, CancellationToken cancellationToken);

    /// <summary>An _addrs answer of <paramref name="count"/> addresses went to the peer.</summary>
    void OnAddressesSent(PeerSession session, int count);

    /// <summary>The session closed (whether or not it was handshaken).</summary>
    void OnClosed(PeerSession session, string reason);
}
