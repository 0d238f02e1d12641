namespace PeerNet.Storage;

/// <summary>An address with its ring position, as samples read them.</summary>
internal sealed record RingAddress(long Ring, string Address);

/// <summary>A stats row of a recently verified address, and whether the address is a learned one.</summary>
internal sealed record VerifiedRow(long Ring, string Address, bool Learned);
