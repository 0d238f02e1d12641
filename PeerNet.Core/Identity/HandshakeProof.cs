using Google.Protobuf;
using PeerNet.Protocol;

namespace PeerNet.Identity;

/// <summary>
/// One connection's side of the identity proof: this side's fresh challenge, the peer's claim (public key and
/// challenge from its _hello request) and the confirming answer (the first response to our _hello), which may arrive
/// before the claim. <see cref="Check"/> decides once both are in. Made per connection; its session's read loop alone touches it.
/// </summary>
internal sealed class HandshakeProof
{
    private byte[]? _peerKey;
    private byte[]? _peerChallenge;
    private byte[]? _confirmationSignature; // its 64 bytes only: the frame the answer slices is not kept
    private int _confirmationLength;

    /// <summary>The challenge this side sent in its own _hello request.</summary>
    public byte[] OwnChallenge { get; } = HelloProof.NewChallenge();

    /// <summary>The peer's challenge (empty until its request claimed an identity): what our answer signs.</summary>
    public ReadOnlySpan<byte> PeerChallenge => _peerChallenge;

    /// <summary>True once the peer claimed an identity (bit 1 of its extension).</summary>
    public bool Claimed => _peerKey is not null;

    /// <summary>The peer's public key once it proved it.</summary>
    public ReadOnlyMemory<byte>? VerifiedKey { get; private set; }

    /// <summary>
    /// Records the identity part of the peer's _hello request (<paramref name="data"/>, whose extension set
    /// <see cref="HelloFeatures.Identity"/>); why it cannot prove <paramref name="claimedId"/>, or null.
    /// </summary>
    public string? OnRequest(ReadOnlySpan<byte> data, NodeId claimedId)
    {
        if (data.Length < HelloProof.RequestLength)
            return $"its _hello sets the identity flag but has {data.Length} bytes, not {HelloProof.RequestLength}";
        var key = data.Slice(HelloProof.IdentityOffset, NodeKey.PublicKeyLength);
        if (NodeKey.IdOf(key) != claimedId)
            return $"its node id {claimedId} is not the hash of its public key";
        _peerKey = key.ToArray();
        _peerChallenge = data.Slice(HelloProof.IdentityOffset + NodeKey.PublicKeyLength, HelloProof.ChallengeLength).ToArray();
        return null;
    }

    /// <summary>Keeps the signature of the confirming _hello response (the first answer to our request), if it has one.</summary>
    public void OnConfirmation(ByteString data)
    {
        _confirmationLength = data.Length;
        _confirmationSignature = data.Length >= HelloProof.ResponseLength
            ? data.Span.Slice(HelloProof.IdentityOffset, NodeKey.SignatureLength).ToArray()
            : null;
    }

    /// <summary>
    /// At handshake completion: null when the peer proved its claim (<see cref="VerifiedKey"/> set) or claimed nothing;
    /// otherwise why it cannot prove its node id.
    /// </summary>
    public string? Check()
    {
        var signature = _confirmationSignature;
        _confirmationSignature = null;
        if (_peerKey is null)
            return null;
        if (signature is null)
            return $"its _hello answer has {_confirmationLength} bytes, no signature";
        if (!HelloProof.Verify(_peerKey, signature, OwnChallenge, _peerChallenge))
            return "its _hello answer's signature does not verify over this connection's challenges";
        VerifiedKey = _peerKey;
        return null;
    }
}
