using System.Text;
using Google.Protobuf;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;

namespace PeerNet.Gossip.Announcing;

/// <summary>
/// An announce this node sends (the original's <c>announce(opts)</c>): every field optional. Limits are the wire
/// spec's; <see cref="Validate"/> throws an <see cref="ArgumentException"/> naming the field that breaks one.
/// </summary>
public sealed record AnnounceMessage
{
    /// <summary>The request id (1 to 64 bytes); random when null.</summary>
    public ReadOnlyMemory<byte>? Id { get; init; }

    /// <summary>The type (at most 64 bytes; UTF-8 text by convention). Subscribers can filter on it.</summary>
    public ReadOnlyMemory<byte>? Type { get; init; }

    /// <summary>The payload (at most 1024 bytes).</summary>
    public ReadOnlyMemory<byte>? Data { get; init; }

    /// <summary>
    /// Highest hop count a node accepts the request with (0: no limit but <see cref="PeerNetOptions.MaxHops"/>); see
    /// <see cref="HopRule"/>: a limit of N from hops 0 reaches nodes up to N + 1 links away.
    /// </summary>
    public uint Limit { get; init; }

    /// <summary>The hop count it starts with (default 0).</summary>
    public uint Hops { get; init; }

    /// <summary>An announce with a text type and text data.</summary>
    public static AnnounceMessage Create(string type, string? data = null, uint limit = 0) => new()
    {
        Type = Encoding.UTF8.GetBytes(type),
        Data = data is null ? default(ReadOnlyMemory<byte>?) : Encoding.UTF8.GetBytes(data),
        Limit = limit,
    };

    /// <summary>Throws when a field breaks a limit.</summary>
    /// <exception cref="ArgumentException">The message names the field and the limit.</exception>
    public void Validate(int maxHops)
    {
        if (Id is { } id && (id.Length == 0 || id.Length > ProtocolLimits.MaxIdLength))
            throw new ArgumentException($"id must be 1 to {ProtocolLimits.MaxIdLength} bytes (got {id.Length}).", "id");
        PayloadRules.Validate(Type, Data, "an announce needs another type");
        // Sent as given (no hop added): the first peers must accept it, so the receive rule decides.
        if (HopRule.Refusal(Hops, Limit, maxHops) is { } refusal)
            throw new ArgumentException($"hops must be at most PeerNet:MaxHops and at most limit, or no peer accepts the announce ({refusal}).", "hops");
    }

    /// <summary>The wire request, with a random id when none was given.</summary>
    internal Announce ToWire(RandomSource random)
    {
        var request = new Announce
        {
            Id = Id is { } id ? ByteString.CopyFrom(id.Span) : Messages.NewId(random),
            Hops = Hops,
            Limit = Limit, // always written, as the original does on what it forwards
        };
        if (Type is { } type)
            request.Type = ByteString.CopyFrom(type.Span);
        if (Data is { } data)
            request.Data = ByteString.CopyFrom(data.Span);
        return request;
    }
}

/// <summary>What <see cref="IncomingRequest.ReplyAsync(ReplyMessage, CancellationToken)"/> sends: unset fields take the request's.</summary>
public sealed record ReplyMessage
{
    /// <summary>The payload (at most 1024 bytes).</summary>
    public ReadOnlyMemory<byte>? Data { get; init; }

    /// <summary>The type; the request's when null (at most 64 bytes).</summary>
    public ReadOnlyMemory<byte>? Type { get; init; }

    /// <summary>The limit; the request's when null.</summary>
    public uint? Limit { get; init; }

    /// <summary>A reply whose data is <paramref name="data"/> as UTF-8.</summary>
    public static ReplyMessage Text(string data) => new() { Data = Encoding.UTF8.GetBytes(data) };

    /// <summary>Throws when a field breaks a limit.</summary>
    /// <exception cref="ArgumentException">The message names the field and the limit.</exception>
    public void Validate()
    {
        PayloadRules.Validate(Type, Data, "a reply with them would be lost");
    }
}

/// <summary>A response to one of this node's announces, as it arrived.</summary>
/// <param name="Id">The response id.</param>
/// <param name="Reply">The id of the request it answers.</param>
/// <param name="Type">Its type (empty when absent).</param>
/// <param name="Data">Its payload (empty when absent).</param>
/// <param name="Hops">Links it travelled beyond the first (0 from a direct peer).</param>
/// <param name="Limit">Its limit field.</param>
public sealed record AnnounceResponse(ReadOnlyMemory<byte> Id, ReadOnlyMemory<byte> Reply, ReadOnlyMemory<byte> Type, ReadOnlyMemory<byte> Data, uint Hops, uint Limit)
{
    /// <summary>The type as text; null when it is not valid UTF-8.</summary>
    public string? TypeText => Utf8Text.TryDecode(Type.Span);

    /// <summary>The payload as text; null when it is not valid UTF-8.</summary>
    public string? DataText => Utf8Text.TryDecode(Data.Span);

    internal static AnnounceResponse FromWire(Announce response) =>
        new(response.Id.Memory, response.Reply.Memory, response.Type.Memory, response.Data.Memory, response.Hops, response.Limit);
}

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
        }
        if (data is { } d && d.Length > ProtocolLimits.MaxDataLength)
            throw new ArgumentException($"data must be at most {ProtocolLimits.MaxDataLength} bytes (got {d.Length}).", "data");
    }
}
