using System.Text;
using Google.Protobuf;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;

namespace PeerNet.Gossip.Announcing;

/// <summary>What <see cref="IncomingRequest.ReplyAsync(ReplyMessage, CancellationToken)"/> sends: unset fields take the request's.</summary>
public sealed record ReplyMessage
{
    /// <summary>The payload (at most 1024 bytes).</summary>
    public ReadOnlyMemory<byte>? Data { get; init; }

    /// <summary>The type; the request's when null (at most 64 bytes).</summary>
    public ReadOnlyMemory<byte>? Type { get; init; }

    /// <summary>The limit; the request's when null.</summary>
    public uint? Limit { get; init; }

    /// <summary>Sign it with this node's key: the announcer sees this node as its <see cref="AnnounceResponse.Signer"/>.</summary>
    public bool Sign { get; init; }

    /// <summary>A reply whose data is <paramref name="data"/> as UTF-8.</summary>
    public static ReplyMessage Text(string data) => new() { Data = Encoding.UTF8.GetBytes(data) };

    /// <summary>Throws when a field breaks a limit.</summary>
    /// <exception cref="ArgumentException">The message names the field and the limit.</exception>
    public void Validate()
    {
        PayloadRules.Validate(Type, Data, "a reply with them would be lost");
    }

    /// <summary>The type on the wire: copied once, at the first reply with this message (null: the request's).</summary>
    internal ByteString? WireType => Type is { } type ? _wire.Type ??= ByteString.CopyFrom(type.Span) : null;

    /// <summary>The data on the wire: copied once, at the first reply with this message.</summary>
    internal ByteString? WireData => Data is { } data ? _wire.Data ??= ByteString.CopyFrom(data.Span) : null;

    /// <summary>A copy made by <c>with</c>: the copied bytes are not carried over, since its fields may differ.</summary>
    private ReplyMessage(ReplyMessage original)
    {
        Data = original.Data;
        Type = original.Type;
        Limit = original.Limit;
        Sign = original.Sign;
        _wire = new();
    }

    private readonly WireBytes _wire = new();
}
