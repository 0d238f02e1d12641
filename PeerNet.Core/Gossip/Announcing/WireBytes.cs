using Google.Protobuf;

namespace PeerNet.Gossip.Announcing;

/// <summary>
/// The bytes a message was first sent with, kept so later sends copy nothing. Equal to every other instance, so the
/// records that hold one compare by their fields alone (sending a message must not change its equality).
/// </summary>
internal sealed class WireBytes
{
    public ByteString? Type { get; set; }

    public ByteString? Data { get; set; }

    public override bool Equals(object? obj) => obj is WireBytes;

    public override int GetHashCode() => 0;
}
