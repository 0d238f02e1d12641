using System.Security.Cryptography;
using Google.Protobuf;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;

namespace PeerNet.Identity;

/// <summary>
/// The identity part of the _hello extension (version 2, <see cref="HelloFeatures.Identity"/>): the request carries the
/// node's public key and a fresh 32-byte challenge after the 4 bytes of <see cref="HelloExtension"/>; the answer to a
/// peer's request carries the signature over "peernet-hello-v2" || the asker's challenge || this side's own challenge.
/// <code>
/// request data:  node id (16) | "PN" | 2 | flags | public key (32) | challenge (32)      = 84 bytes
/// response data: node id (16) | "PN" | 2 | flags | signature (64)                       = 84 bytes
/// </code>
/// </summary>
internal static class HelloProof
{
    /// <summary>Bytes of a challenge.</summary>
    public const int ChallengeLength = 32;

    /// <summary>Where the identity part starts: after the node id and the 4 extension bytes.</summary>
    public const int IdentityOffset = ProtocolLimits.NodeIdLength + HelloExtension.Length;

    /// <summary>Bytes of a request's data with the identity part.</summary>
    public const int RequestLength = IdentityOffset + NodeKey.PublicKeyLength + ChallengeLength;

    /// <summary>Bytes of a response's data with its signature.</summary>
    public const int ResponseLength = IdentityOffset + NodeKey.SignatureLength;

    private static ReadOnlySpan<byte> Context => "peernet-hello-v2"u8;

    /// <summary>32 fresh bytes from the system's cryptographic generator (never a seeded test source: they must be unguessable).</summary>
    public static byte[] NewChallenge() => RandomNumberGenerator.GetBytes(ChallengeLength);

    /// <summary>This node's _hello request: id, extension, public key, <paramref name="challenge"/>.</summary>
    public static Message Request(ByteString id, NodeKey key, HelloExtension extension, ReadOnlySpan<byte> challenge)
    {
        var data = new byte[RequestLength];
        key.Id.Write(data);
        extension.Write(data.AsSpan(ProtocolLimits.NodeIdLength));
        key.PublicKey.Span.CopyTo(data.AsSpan(IdentityOffset));
        challenge.CopyTo(data.AsSpan(IdentityOffset + NodeKey.PublicKeyLength));
        return new Message
        {
            Request = new Announce { Id = id, Hops = 0, Type = MessageTypes.Hello, Data = UnsafeByteOperations.UnsafeWrap(data), Limit = 1 },
        };
    }

    /// <summary>
    /// The answer to a peer's _hello request: with the signature when the peer sent a challenge; the plain 16-byte
    /// node id of the version-1 answer when it did not (an original or older PeerNet peer reads no more).
    /// </summary>
    public static Message Response(ByteString id, ByteString requestId, NodeKey key, HelloExtension extension,
        ReadOnlySpan<byte> askerChallenge, ReadOnlySpan<byte> ownChallenge)
    {
        if (askerChallenge.IsEmpty)
            return Messages.HelloResponse(id, requestId, key.Id);
        var data = new byte[ResponseLength];
        key.Id.Write(data);
        extension.Write(data.AsSpan(ProtocolLimits.NodeIdLength));
        Sign(key, askerChallenge, ownChallenge, data.AsSpan(IdentityOffset));
        return new Message
        {
            Response = new Announce { Id = id, Hops = 0, Reply = requestId, Type = MessageTypes.Hello, Data = UnsafeByteOperations.UnsafeWrap(data) },
        };
    }

    /// <summary>The signature of the spec: over the context, the asker's challenge, then the signer's own.</summary>
    public static void Sign(NodeKey key, ReadOnlySpan<byte> askerChallenge, ReadOnlySpan<byte> ownChallenge, Span<byte> signature)
    {
        Span<byte> signed = stackalloc byte[SignedLength];
        Fill(signed, askerChallenge, ownChallenge);
        key.Sign(signed, signature);
    }

    /// <summary>True when <paramref name="signature"/> is <paramref name="publicKey"/>'s over our challenge (the asker's) then the peer's.</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> signature, ReadOnlySpan<byte> ourChallenge, ReadOnlySpan<byte> peerChallenge)
    {
        if (ourChallenge.Length != ChallengeLength || peerChallenge.Length != ChallengeLength)
            return false;
        Span<byte> signed = stackalloc byte[SignedLength];
        Fill(signed, ourChallenge, peerChallenge);
        return NodeKey.Verify(publicKey, signed, signature);
    }

    private const int SignedLength = 16 + 2 * ChallengeLength;

    private static void Fill(Span<byte> signed, ReadOnlySpan<byte> askerChallenge, ReadOnlySpan<byte> ownChallenge)
    {
        Context.CopyTo(signed);
        askerChallenge.CopyTo(signed[Context.Length..]);
        ownChallenge.CopyTo(signed[(Context.Length + ChallengeLength)..]);
    }
}
