using Google.Protobuf;

namespace PeerNet.Protocol;

/// <summary>The request types the protocol itself uses; every other type is an announce.</summary>
public static class MessageTypes
{
    /// <summary>The handshake.</summary>
    public static readonly ByteString Hello = ByteString.CopyFromUtf8("_hello");

    /// <summary>Node exchange.</summary>
    public static readonly ByteString Addrs = ByteString.CopyFromUtf8("_addrs");
}
