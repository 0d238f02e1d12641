namespace PeerNet.Bench.Testnet;

/// <summary>What the attacker's sessions did, updated from many tasks.</summary>
internal sealed class AttackCounters
{
    public long Attempts;
    public long Handshakes;
    public long Open; // handshaken sessions open now
    public long Refused; // closed by the node before the handshake completed
    public long Stuck; // connections that never said hello
    public long AddressesSent;
    public long Dropped; // handshaken sessions the node closed later
}
