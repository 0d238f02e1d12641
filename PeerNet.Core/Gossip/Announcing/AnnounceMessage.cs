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

    /// <summary>
    /// Ask for a delivery report: each PeerNet node that delivers it acknowledges toward this node
    /// (<see cref="PeerNode.GetDeliveryReport(string)"/>). The flag travels between PeerNet nodes only.
    /// </summary>
    public bool Report { get; init; }

    /// <summary>
    /// Sign it with this node's key: receivers see this node as its <see cref="IncomingRequest.Signer"/>, and PeerNet
    /// forwarders drop any copy whose id, type, data or limit was changed. Original nodes forward it unsigned.
    /// </summary>
    public bool Sign { get; init; }

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

    /// <summary>
    /// The wire request, with a random id when none was given. Type and data are copied once, at the first announce
    /// of this message, and shared by later ones (a message announced again and again costs no copy each time).
    /// </summary>
    internal Announce ToWire(RandomSource random)
    {
        var request = new Announce
        {
            Id = Id is { } id ? ByteString.CopyFrom(id.Span) : Messages.NewId(random),
            Hops = Hops,
            Limit = Limit, // always written, as the original does on what it forwards
        };
        if (Report)
            request.Report = true;
        if (Type is { } type)
            request.Type = _wire.Type ??= ByteString.CopyFrom(type.Span);
        if (Data is { } data)
            request.Data = _wire.Data ??= ByteString.CopyFrom(data.Span);
        return request;
    }

    /// <summary>A copy made by <c>with</c>: the copied bytes are not carried over, since its fields may differ.</summary>
    private AnnounceMessage(AnnounceMessage original)
    {
        Id = original.Id;
        Type = original.Type;
        Data = original.Data;
        Limit = original.Limit;
        Hops = original.Hops;
        Report = original.Report;
        Sign = original.Sign;
        _wire = new();
    }

    private readonly WireBytes _wire = new();
}
