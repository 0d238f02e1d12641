namespace PeerNet.Storage;

/// <summary>An address with its ring position, as samples read them.</summary>
internal sealed record RingAddress(long Ring, string Address);
