using System.Text;
using Google.Protobuf;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;

namespace PeerNet.Gossip.Announcing;

/// <summary>Strict UTF-8 decoding: null instead of replacement characters.</summary>
public static class Utf8Text
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The text, or null when <paramref name="bytes"/> are not valid UTF-8.</summary>
    public static string? TryDecode(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return Strict.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}

/// <summary>The limits every announce and reply share: type and data sizes, and no protocol type.</summary>
internal static class PayloadRules
{
    /// <summary>Throws naming the field when <paramref name="type"/> or <paramref name="data"/> breaks a limit.</summary>
    public static void Validate(ReadOnlyMemory<byte>? type, ReadOnlyMemory<byte>? data, string whyNotProtocolType)
    {
        if (type is { } t)
        {
            if (t.Length > ProtocolLimits.MaxTypeLength)
                throw new ArgumentException($"type must be at most {ProtocolLimits.MaxTypeLength} bytes (got {t.Length}).", "type");
            if (t.Span.SequenceEqual(MessageTypes.Hello.Span) || t.Span.SequenceEqual(MessageTypes.Addrs.Span))
                throw new ArgumentException($"type _hello and _addrs belong to the protocol itself; {whyNotProtocolType}.", "type");
            if (MessageTypes.IsReserved(t.Span))
                throw new ArgumentException($"types starting with {MessageTypes.ReservedPrefix} are PeerNet's own; {whyNotProtocolType}.", "type");
        }
        if (data is { } d && d.Length > ProtocolLimits.MaxDataLength)
            throw new ArgumentException($"data must be at most {ProtocolLimits.MaxDataLength} bytes (got {d.Length}).", "data");
    }
}
