namespace PeerNet.Gossip.Dissemination;

/// <summary>
/// Time and timers for the router without threads of its own: the node posts timer callbacks back into its actor
/// loop (TimeProvider timers); the simulator runs them from its event queue in virtual time.
/// </summary>
public interface IGossipScheduler
{
    /// <summary>Monotonic time.</summary>
    TimeSpan Now { get; }

    /// <summary>Runs <paramref name="callback"/> after <paramref name="delay"/>, serialised with every other router call.</summary>
    void Schedule(TimeSpan delay, Action callback);
}
