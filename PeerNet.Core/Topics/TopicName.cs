using System.Security.Cryptography;
using System.Text;

namespace PeerNet.Topics;

/// <summary>
/// What a topic name and a member address may be, and a topic's hash on the wire. Names never travel: lookups carry
/// SHA-256("peernet.topic:" + name), so nodes outside a topic do not learn its name (the prefix keeps the hash apart
/// from other systems' hashes of the same string).
/// </summary>
public static class TopicName
{
    /// <summary>Longest topic name, in UTF-8 bytes.</summary>
    public const int MaxNameBytes = 255;

    /// <summary>Longest member address, in UTF-8 bytes (one length byte on the wire).</summary>
    public const int MaxAddressBytes = 255;

    /// <summary>Bytes of a topic hash.</summary>
    public const int HashLength = 32;

    private static readonly byte[] HashPrefix = "peernet.topic:"u8.ToArray();
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Null when <paramref name="name"/> is a valid topic name, else why not.</summary>
    public static string? Check(string? name) => CheckText(name, MaxNameBytes, "a topic name");

    /// <summary>Null when <paramref name="address"/> is a valid member address (opaque text, never dialled), else why not.</summary>
    public static string? CheckAddress(string? address) => CheckText(address, MaxAddressBytes, "an address");

    /// <summary>The topic's hash on the wire.</summary>
    /// <exception cref="ArgumentException">The name is not valid.</exception>
    public static byte[] Hash(string name)
    {
        if (Check(name) is { } error)
            throw new ArgumentException(error, nameof(name));
        var bytes = new byte[HashPrefix.Length + Encoding.UTF8.GetByteCount(name)];
        HashPrefix.CopyTo(bytes, 0);
        Encoding.UTF8.GetBytes(name, bytes.AsSpan(HashPrefix.Length));
        return SHA256.HashData(bytes);
    }

    /// <summary>The hash as lowercase hex (how the REST API and the logs show it).</summary>
    public static string HashHex(string name) => Convert.ToHexStringLower(Hash(name));

    private static string? CheckText(string? text, int maxBytes, string what)
    {
        if (string.IsNullOrEmpty(text))
            return $"{what} must not be empty.";
        // Control characters and spaces have no place in a name or an address, and would garble logs and event streams.
        foreach (var c in text)
        {
            if (char.IsControl(c) || char.IsWhiteSpace(c))
                return $"{what} must not contain spaces or control characters.";
        }
        int bytes;
        try
        {
            bytes = Strict.GetByteCount(text);
        }
        catch (EncoderFallbackException)
        {
            return $"{what} must be valid Unicode (a lone surrogate is not).";
        }
        return bytes > maxBytes ? $"{what} must be at most {maxBytes} bytes of UTF-8 (got {bytes})." : null;
    }
}
