using PeerNet.Protocol.Wire;

namespace PeerNet.Protocol;

/// <summary>What to do with a received message.</summary>
public enum Verdict
{
    /// <summary>Handle it.</summary>
    Accept,

    /// <summary>An empty Message (a keep-alive, or one with neither request nor response): ignore it silently.</summary>
    Ignore,

    /// <summary>A field breaks a limit: drop this message, count it, keep the connection.</summary>
    Discard,

    /// <summary>The peer broke the protocol: count it and close the connection.</summary>
    Violation,
}
