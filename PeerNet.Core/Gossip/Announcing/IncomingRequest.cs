using Google.Protobuf;
using PeerNet.Peers;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;

namespace PeerNet.Gossip.Announcing;

/// <summary>
/// An announce request this node received (the original's <c>request</c> event), with <see cref="ReplyAsync(ReplyMessage, CancellationToken)"/>
/// to answer it: the answer travels back to the peer it came from and on along the reverse path to the announcer.
/// Answer as many times as you like.
/// </summary>
public sealed class IncomingRequest
{
    private readonly Announce _request;
    private readonly Peer _origin;
    private readonly RandomSource _random;

    internal IncomingRequest(Announce request, Peer origin, RandomSource random, DateTimeOffset receivedAt)
    {
        _request = request;
        _origin = origin;
        _random = random;
        _receivedAtTicks = receivedAt.UtcTicks; // half a DateTimeOffset's room, in an object made per request
    }

    /// <summary>The request id.</summary>
    public ReadOnlyMemory<byte> Id => _request.Id.Memory;

    /// <summary>The request id as lowercase hex.</summary>
    public string IdHex => Convert.ToHexStringLower(_request.Id.Span);

    /// <summary>The type (empty when absent).</summary>
    public ReadOnlyMemory<byte> Type => _request.Type.Memory;

    /// <summary>The type as text; null when it is not valid UTF-8.</summary>
    public string? TypeText => Utf8Text.TryDecode(_request.Type.Span);

    /// <summary>The payload (empty when absent).</summary>
    public ReadOnlyMemory<byte> Data => _request.Data.Memory;

    /// <summary>The payload as text; null when it is not valid UTF-8.</summary>
    public string? DataText => Utf8Text.TryDecode(_request.Data.Span);

    /// <summary>Hops it travelled before reaching this node (0 from the announcer itself).</summary>
    public uint Hops => _request.Hops;

    /// <summary>Its limit (0: none).</summary>
    public uint Limit => _request.Limit;

    /// <summary>The 32-byte Ed25519 public key of the node that signed it (its origin); empty when unsigned. Forgeries never get here.</summary>
    public ReadOnlyMemory<byte> Signer => _request.Signer.Memory;

    /// <summary>The node id of <see cref="Signer"/>; null when unsigned.</summary>
    public NodeId? SignerId => Identity.MessageSignature.SignerId(_request.Signer);

    /// <summary>The node id of the peer it came from.</summary>
    public string FromPeer => _origin.RemoteId?.ToString() ?? "";

    /// <summary>
    /// False once the peer it came from has disconnected. A <c>ReplyAsync</c> that returned false while this is still
    /// true gave up at <see cref="PeerNetLimits.OwnSendDeadline"/>: the peer took nothing from its full send queue.
    /// </summary>
    public bool OriginConnected => !_origin.IsClosed;

    /// <summary>When it arrived.</summary>
    public DateTimeOffset ReceivedAt => new(_receivedAtTicks, TimeSpan.Zero);

    private readonly long _receivedAtTicks;

    /// <summary>The type as it arrived, for the hub's filters.</summary>
    internal ByteString WireType => _request.Type;

    /// <summary>Its REST reply handle, once one was issued (<see cref="ReplyHandles"/>).</summary>
    internal string? Handle { get; set; }

    /// <summary>
    /// Sends an answer back toward the announcer: <c>{ id: fresh, reply: request id, type, limit, hops: 0, data }</c>
    /// with type and limit taken from the request unless given. Waits for room in the peer's send queue (this is the
    /// node's own traffic). False when the peer it came from has gone: the answer cannot be routed.
    /// </summary>
    /// <exception cref="ArgumentException">A field breaks a limit; the message names it.</exception>
    public ValueTask<bool> ReplyAsync(ReplyMessage reply, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reply);
        reply.Validate();
        return SendReplyAsync(reply.WireType, reply.WireData, reply.Limit, cancellationToken, reply.Sign);
    }

    private ValueTask<bool> SendReplyAsync(ByteString? type, ByteString? data, uint? limit, CancellationToken cancellationToken, bool sign = false)
    {
        var response = new Announce
        {
            Id = Messages.NewId(_random),
            Reply = _request.Id,
            Hops = 0,
            Limit = limit ?? _request.Limit,
        };
        if (type is not null)
            response.Type = type;
        else if (_request.HasType)
            response.Type = _request.Type;
        if (data is not null)
            response.Data = data;
        if (sign)
            Identity.MessageSignature.SignResponse(response, _origin.OwnKey);
        return _origin.IsClosed ? ValueTask.FromResult(false) : _origin.SendResponseAsync(response, cancellationToken);
    }

    /// <summary>Answers with <paramref name="data"/> as UTF-8 (type and limit from the request).</summary>
    public ValueTask<bool> ReplyAsync(string data, CancellationToken cancellationToken = default) =>
        ReplyAsync(ReplyMessage.Text(data), cancellationToken);

    /// <summary>Answers with <paramref name="data"/> (type and limit from the request).</summary>
    public ValueTask<bool> ReplyAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        PayloadRules.Validate(null, data, "a reply with them would be lost");
        return SendReplyAsync(type: null, ByteString.CopyFrom(data.Span), limit: null, cancellationToken);
    }
}
