using Google.Protobuf;
using PeerNet.Gossip.Announcing;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;

namespace PeerNet.Bench;

/// <summary>
/// The request and answer of one pingpong round trip, shared by <c>pingpong</c> and <c>wsecho</c> so the bare stack
/// moves frames of exactly the size PeerNet does.
/// </summary>
internal static class PingPayload
{
    /// <summary>The announce type the answering node subscribes to.</summary>
    public const string Type = "ping";

    /// <summary>Bytes of application data in a request and in an answer.</summary>
    public const int DataLength = 16;

    /// <summary>What node A announces (a fresh random id each time, as the library generates when none is given).</summary>
    public static AnnounceMessage Request { get; } = new()
    {
        Type = System.Text.Encoding.UTF8.GetBytes(Type),
        Data = new byte[DataLength],
    };

    /// <summary>What node B answers with (one message for every answer, as an application with a fixed answer would).</summary>
    public static ReplyMessage Reply { get; } = new() { Data = new byte[DataLength] };

    /// <summary>A request frame as PeerNet writes it (length prefix included): id of 8 bytes, hops, limit, type, data.</summary>
    public static byte[] RequestFrame() => FrameWriter.ToFrame(new Message
    {
        Request = new Announce
        {
            Id = ByteString.CopyFrom(new byte[Messages.GeneratedIdLength]),
            Hops = 0,
            Limit = 0,
            Type = ByteString.CopyFromUtf8(Type),
            Data = ByteString.CopyFrom(new byte[DataLength]),
        },
    });

    /// <summary>An answer frame as PeerNet writes it: fresh id, reply, hops, limit, type, data.</summary>
    public static byte[] ResponseFrame() => FrameWriter.ToFrame(new Message
    {
        Response = new Announce
        {
            Id = ByteString.CopyFrom(new byte[Messages.GeneratedIdLength]),
            Reply = ByteString.CopyFrom(new byte[Messages.GeneratedIdLength]),
            Hops = 0,
            Limit = 0,
            Type = ByteString.CopyFromUtf8(Type),
            Data = ByteString.CopyFrom(new byte[DataLength]),
        },
    });
}
