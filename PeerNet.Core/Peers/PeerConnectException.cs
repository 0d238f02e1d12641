namespace PeerNet.Peers;

/// <summary>A connection attempt failed; <see cref="Exception.Message"/> says why.</summary>
public sealed class PeerConnectException(string address, PeerConnectFailure failure, string reason, Exception? inner = null)
    : Exception($"Connecting to {address} failed: {reason}.", inner)
{
    /// <summary>The address dialled.</summary>
    public string Address { get; } = address;

    /// <summary>The kind of failure.</summary>
    public PeerConnectFailure Failure { get; } = failure;

    /// <summary>The reason, without the address.</summary>
    public string Reason { get; } = reason;
}
