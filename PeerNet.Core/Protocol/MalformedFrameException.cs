namespace PeerNet.Protocol;

/// <summary>
/// A frame that is protobuf but has a shape no node sends and the library would parse at great cost (see
/// WireDecoder.CheckShape): a protocol violation, like <see cref="Google.Protobuf.InvalidProtocolBufferException"/>,
/// whose constructors are not public.
/// </summary>
public sealed class MalformedFrameException(string message) : Exception(message);
