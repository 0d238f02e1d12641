using System.Buffers;
using System.Buffers.Binary;
using Google.Protobuf;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;

namespace PeerNet.Identity;

/// <summary>
/// Signed announces and replies: the origin puts its public key (<c>signer</c>, field 8) and an Ed25519 signature
/// (field 9) on the message. What is signed, fixed-length fields, no varints:
/// <code>
/// request:  "peernet-announce-v1" | u8 len(id) | id | u8 len(type) | type | u16be len(data) | data | u32be limit (0 when absent)
/// response: "peernet-reply-v1" | u8 len(reply) | reply | u8 len(id) | id | u8 len(type) | type | u16be len(data) | data
/// </code>
/// Hops is not signed (every hop changes it).
/// </summary>
internal static class MessageSignature
{
    private static ReadOnlySpan<byte> RequestContext => "peernet-announce-v1"u8;

    private static ReadOnlySpan<byte> ResponseContext => "peernet-reply-v1"u8;

    private const int StackLimit = 2048; // the spec's limits (ids and types of 64, data of 1024) sign under 1200 bytes

    /// <summary>Signs <paramref name="request"/> in place with <paramref name="key"/> (its id, type, data and limit are final).</summary>
    public static void SignRequest(Announce request, NodeKey key) => Sign(request, key, response: false);

    /// <summary>Signs <paramref name="response"/> in place with <paramref name="key"/>.</summary>
    public static void SignResponse(Announce response, NodeKey key) => Sign(response, key, response: true);

    /// <summary>
    /// Null when <paramref name="message"/> is unsigned (neither field) or carries a valid signature; otherwise why it
    /// is a forgery. Costs nothing beyond two presence checks for an unsigned message.
    /// </summary>
    public static string? Forgery(Announce message, bool response)
    {
        if (!message.HasSigner && !message.HasSignature)
            return null;
        if (!message.HasSigner || !message.HasSignature)
            return message.HasSigner ? "a signer without a signature" : "a signature without a signer";
        if (message.Signer.Length != NodeKey.PublicKeyLength || message.Signature.Length != NodeKey.SignatureLength)
            return $"a signer of {message.Signer.Length} bytes or a signature of {message.Signature.Length} (must be {NodeKey.PublicKeyLength} and {NodeKey.SignatureLength})";
        return Verify(message, response) ? null : "a signature that does not verify";
    }

    /// <summary>The node id of a signed message's signer (SHA-256 of the key, first 16 bytes); null when unsigned.</summary>
    public static NodeId? SignerId(ByteString signer) => SignerId(signer.Span);

    /// <inheritdoc cref="SignerId(ByteString)"/>
    public static NodeId? SignerId(ReadOnlySpan<byte> signer) => signer.IsEmpty ? null : NodeKey.IdOf(signer);

    /// <summary>
    /// Writes the signed bytes of <paramref name="message"/> into <paramref name="destination"/>; the length written,
    /// or -1 when a field is too long for its length prefix (no valid signature covers such a message).
    /// </summary>
    internal static int Write(Announce message, bool response, Span<byte> destination)
    {
        var id = message.Id.Span;
        var type = message.Type.Span;
        var data = message.Data.Span;
        var reply = message.Reply.Span;
        if (id.Length > byte.MaxValue || type.Length > byte.MaxValue || data.Length > ushort.MaxValue || (response && reply.Length > byte.MaxValue))
            return -1;
        var at = 0;
        if (response)
        {
            ResponseContext.CopyTo(destination);
            at = ResponseContext.Length;
            at = Short(destination, at, reply);
        }
        else
        {
            RequestContext.CopyTo(destination);
            at = RequestContext.Length;
        }
        at = Short(destination, at, id);
        at = Short(destination, at, type);
        BinaryPrimitives.WriteUInt16BigEndian(destination[at..], (ushort)data.Length);
        data.CopyTo(destination[(at + 2)..]);
        at += 2 + data.Length;
        if (!response)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination[at..], message.HasLimit ? message.Limit : 0);
            at += 4;
        }
        return at;
    }

    /// <summary>Bytes <see cref="Write"/> needs at most for <paramref name="message"/>.</summary>
    internal static int MaxLength(Announce message) =>
        RequestContext.Length + 1 + message.Reply.Length + 1 + message.Id.Length + 1 + message.Type.Length + 2 + message.Data.Length + 4;

    private static int Short(Span<byte> destination, int at, ReadOnlySpan<byte> field)
    {
        destination[at] = (byte)field.Length;
        field.CopyTo(destination[(at + 1)..]);
        return at + 1 + field.Length;
    }

    private static void Sign(Announce message, NodeKey key, bool response)
    {
        var signature = new byte[NodeKey.SignatureLength];
        var ok = WithSignedBytes(message, response, (key, signature), static (signed, state) =>
        {
            state.key.Sign(signed, state.signature);
            return true;
        });
        if (!ok)
            throw new ArgumentException("a field is too long to sign", nameof(message));
        message.Signer = UnsafeByteOperations.UnsafeWrap(key.PublicKey);
        message.Signature = UnsafeByteOperations.UnsafeWrap(signature);
    }

    private static bool Verify(Announce message, bool response) =>
        WithSignedBytes(message, response, message, static (signed, m) => NodeKey.Verify(m.Signer.Span, signed, m.Signature.Span));

    private delegate bool SignedAction<in TState>(ReadOnlySpan<byte> signed, TState state);

    /// <summary>Builds the signed bytes (on the stack for the spec's sizes, a pooled array past them) and runs <paramref name="action"/> on them.</summary>
    private static bool WithSignedBytes<TState>(Announce message, bool response, TState state, SignedAction<TState> action)
    {
        var max = MaxLength(message);
        byte[]? rented = null;
        var buffer = max <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            var length = Write(message, response, buffer);
            return length >= 0 && action(buffer[..length], state);
        }
        finally
        {
            if (rented is not null)
                ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
