using System.Text;
using Google.Protobuf;
using PeerNet.Protocol.Wire;

namespace PeerNet.Protocol;

/// <summary>Builds the protocol's own messages exactly as the wire spec lays them out.</summary>
public static class Messages
{
    /// <summary>Bytes in the ids this node generates (the original uses 4 for _hello; more makes collisions unlikely).</summary>
    public const int GeneratedIdLength = 8;

    /// <summary>A fresh random id.</summary>
    public static ByteString NewId(RandomSource random)
    {
        // Ids are cut from a per-thread slab of random bytes instead of an array each: an id is immutable once made
        // and no slice is ever handed out twice, so wrapping without a copy is safe; a slab lives while any id of it
        // does (4 KB per 512 ids).
        ArgumentNullException.ThrowIfNull(random);
        var system = random.IsSystem;
        var slab = _idSlab;
        if (slab is null || _idSlabUsed + GeneratedIdLength > slab.Length || (system && !_idSlabFilled))
        {
            _idSlab = slab = new byte[IdSlabLength];
            _idSlabUsed = 0;
            _idSlabFilled = system;
            // The system source fills a whole slab from the cryptographic generator at once: one call per 512 ids
            // instead of one each (ids must be unpredictable, threat L4). A seeded source is asked per id, to stay repeatable.
            if (system)
                random.NextBytes(slab);
        }
        var id = slab.AsMemory(_idSlabUsed, GeneratedIdLength);
        _idSlabUsed += GeneratedIdLength;
        if (!system)
            random.NextBytes(id.Span);
        return UnsafeByteOperations.UnsafeWrap(id);
    }

    /// <summary>A fresh random id in an array of its own, for ids kept long (a session's hello, an outstanding request): a slab id would keep its whole slab alive.</summary>
    public static ByteString NewOwnedId(RandomSource random)
    {
        var id = new byte[GeneratedIdLength];
        random.NextBytes(id);
        return UnsafeByteOperations.UnsafeWrap(id);
    }

    private const int IdSlabLength = 4096;

    [ThreadStatic]
    private static byte[]? _idSlab;

    [ThreadStatic]
    private static int _idSlabUsed;

    [ThreadStatic]
    private static bool _idSlabFilled; // the slab's bytes are random already (the system source filled it)

    /// <summary><c>{ id, type: "_hello", hops: 0, limit: 1, data: node id + PeerNet extension }</c>.</summary>
    public static Message HelloRequest(ByteString id, NodeId self, HelloExtension extension)
    {
        Span<byte> data = stackalloc byte[ProtocolLimits.NodeIdLength + HelloExtension.Length];
        self.Write(data);
        extension.Write(data[ProtocolLimits.NodeIdLength..]);
        return new Message
        {
            Request = new Announce { Id = id, Hops = 0, Type = MessageTypes.Hello, Data = ByteString.CopyFrom(data), Limit = 1 },
        };
    }

    /// <summary><c>{ id: fresh, reply: request id, type: "_hello", hops: 0, data: node id }</c>, no limit.</summary>
    public static Message HelloResponse(ByteString id, ByteString requestId, NodeId self) => new()
    {
        Response = new Announce { Id = id, Hops = 0, Reply = requestId, Type = MessageTypes.Hello, Data = ByteString.CopyFrom(self.ToArray()) },
    };

    /// <summary><c>{ id, type: "_addrs", hops: 0, limit: 1, data: {"size":N} }</c>.</summary>
    public static Message AddrsRequest(ByteString id, int size) => new()
    {
        Request = new Announce { Id = id, Hops = 0, Type = MessageTypes.Addrs, Data = ByteString.CopyFromUtf8($"{{\"size\":{size}}}"), Limit = 1 },
    };

    /// <summary><c>{ id: fresh, reply: request id, type: "_addrs", hops: 0, limit: request's, data: address }</c>.</summary>
    public static Message AddrsResponse(ByteString id, ByteString requestId, uint limit, string address) => new()
    {
        Response = new Announce { Id = id, Hops = 0, Reply = requestId, Type = MessageTypes.Addrs, Limit = limit, Data = ByteString.CopyFromUtf8(address) },
    };

    /// <summary>
    /// How many addresses an _addrs request asks for: its JSON <c>size</c>, clamped to [0, <paramref name="max"/>];
    /// 10 when the data is not JSON or has no usable size (as the original does).
    /// </summary>
    public static int RequestedAddressCount(ByteString data, int max)
    {
        const int fallback = 10;
        try
        {
            var reader = new System.Text.Json.Utf8JsonReader(data.Span);
            using var json = System.Text.Json.JsonDocument.ParseValue(ref reader);
            if (json.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                && json.RootElement.TryGetProperty("size", out var size)
                && size.ValueKind == System.Text.Json.JsonValueKind.Number
                && size.TryGetDouble(out var n) && !double.IsNaN(n))
            {
                return (int)Math.Clamp(Math.Floor(n), 0, max);
            }
        }
        catch (System.Text.Json.JsonException)
        {
        }
        return Math.Min(fallback, max);
    }

    /// <summary>Text of a type or address field for logs (invalid UTF-8 shown escaped, long values cut).</summary>
    public static string Describe(ByteString bytes) =>
        bytes.Length == 0 ? "" : Addressing.PeerAddress.Shorten(Encoding.UTF8.GetString(bytes.Span));
}
