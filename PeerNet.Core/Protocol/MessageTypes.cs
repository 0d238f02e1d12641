using Google.Protobuf;

namespace PeerNet.Protocol;

/// <summary>The request types the protocol itself uses; every other type is an announce.</summary>
public static class MessageTypes
{
    /// <summary>The handshake.</summary>
    public static readonly ByteString Hello = ByteString.CopyFromUtf8("_hello");

    /// <summary>Node exchange.</summary>
    public static readonly ByteString Addrs = ByteString.CopyFromUtf8("_addrs");

    /// <summary>
    /// Types PeerNet nodes use among themselves start with this: refused by the announce API like _hello, never handed
    /// to applications. Original nodes forward them as ordinary announces and relay their answers.
    /// </summary>
    public const string ReservedPrefix = "_pn.";

    /// <summary>A census: every PeerNet node answers with its id, version and peers (the dashboard's map).</summary>
    public static readonly ByteString Census = ByteString.CopyFromUtf8(ReservedPrefix + "census");

    /// <summary>A delivery acknowledgement toward an announcer that asked for a report.</summary>
    public static readonly ByteString Ack = ByteString.CopyFromUtf8(ReservedPrefix + "ack");

    /// <summary>
    /// A topic lookup and its answers (both carry this type): PeerNet nodes holding members of the hashed topic answer
    /// with them (<see cref="Topics.TopicWire"/>).
    /// </summary>
    public static readonly ByteString TopicFind = ByteString.CopyFromUtf8(ReservedPrefix + "topic");

    /// <summary>True for a type of PeerNet's own (<see cref="ReservedPrefix"/>).</summary>
    public static bool IsReserved(ReadOnlySpan<byte> type) => type.StartsWith("_pn."u8);
}
