using System.Security.Cryptography;
using NSec.Cryptography;
using PeerNet.Protocol;

namespace PeerNet.Identity;

/// <summary>
/// This node's Ed25519 key pair (RFC 8032, pure) and the node id derived from it: the first 16 bytes of
/// SHA-256(public key). Signs for the _hello proof (<see cref="HelloProof"/>) and for signed announces and replies
/// (<see cref="MessageSignature"/>). Kept by <see cref="NodeKeyFile"/> next to the database, so the id survives restarts.
/// </summary>
public sealed class NodeKey : IDisposable
{
    /// <summary>Bytes of an Ed25519 public key.</summary>
    public const int PublicKeyLength = 32;

    /// <summary>Bytes of an Ed25519 signature.</summary>
    public const int SignatureLength = 64;

    internal static readonly SignatureAlgorithm Algorithm = SignatureAlgorithm.Ed25519;

    private readonly Key _key;

    private NodeKey(Key key)
    {
        _key = key;
        PublicKey = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        Id = IdOf(PublicKey.Span);
    }

    /// <summary>The 32-byte public key.</summary>
    public ReadOnlyMemory<byte> PublicKey { get; }

    /// <summary>The node id of this key.</summary>
    public NodeId Id { get; }

    /// <summary>A new random key (the system's cryptographic generator).</summary>
    public static NodeKey Create() => new(Key.Create(Algorithm, Exportable));

    /// <summary>The key of a 32-byte private key seed (RFC 8032); for test vectors and imports.</summary>
    public static NodeKey FromSeed(ReadOnlySpan<byte> seed) => new(Key.Import(Algorithm, seed, KeyBlobFormat.RawPrivateKey, Exportable));

    /// <summary>Reads a PKCS#8 PEM private key (what <see cref="ExportPem"/> writes); false when it is not an Ed25519 one.</summary>
    internal static bool TryImportPem(ReadOnlySpan<byte> pem, out NodeKey? key)
    {
        key = null;
        if (!Key.TryImport(Algorithm, pem, KeyBlobFormat.PkixPrivateKeyText, out var imported, Exportable) || imported is null)
            return false;
        key = new NodeKey(imported);
        return true;
    }

    /// <summary>The private key as PKCS#8 PEM text (openssl reads it).</summary>
    internal byte[] ExportPem() => _key.Export(KeyBlobFormat.PkixPrivateKeyText);

    /// <summary>The node id of <paramref name="publicKey"/>: SHA-256 of it, first 16 bytes.</summary>
    public static NodeId IdOf(ReadOnlySpan<byte> publicKey)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(publicKey, hash);
        return NodeId.Read(hash);
    }

    /// <summary>Signs <paramref name="data"/> into <paramref name="signature"/> (64 bytes).</summary>
    public void Sign(ReadOnlySpan<byte> data, Span<byte> signature) => Algorithm.Sign(_key, data, signature);

    /// <summary>True when <paramref name="signature"/> is <paramref name="publicKey"/>'s over <paramref name="data"/>.</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != PublicKeyLength || signature.Length != SignatureLength)
            return false;
        // TryImport refuses the byte strings that are no point of the curve; Verify then checks the signature.
        return NSec.Cryptography.PublicKey.TryImport(Algorithm, publicKey, KeyBlobFormat.RawPublicKey, out var key)
            && key is not null && Algorithm.Verify(key, data, signature);
    }

    /// <inheritdoc />
    public void Dispose() => _key.Dispose();

    private static KeyCreationParameters Exportable => new() { ExportPolicy = KeyExportPolicies.AllowPlaintextExport };
}
