namespace PeerNet.Transport;

/// <summary>The peer broke the protocol (what a transport can see: a text WebSocket message); the connection closes.</summary>
public sealed class PeerProtocolException(string message) : Exception(message);
