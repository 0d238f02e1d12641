namespace PeerNet.Addressing;

/// <summary>One or more addresses of a batch are invalid; the whole batch was rejected.</summary>
public sealed class InvalidPeerAddressException : ArgumentException
{
    /// <summary>Creates the exception from each bad address and why it is bad.</summary>
    public InvalidPeerAddressException(IReadOnlyList<InvalidAddress> errors, string? paramName = null)
        : base(BuildMessage(errors), paramName) => Errors = errors;

    /// <summary>Each invalid address, its position in the batch and the reason.</summary>
    public IReadOnlyList<InvalidAddress> Errors { get; }

    private static string BuildMessage(IReadOnlyList<InvalidAddress> errors) =>
        errors.Count == 1
            ? $"Invalid peer address '{PeerAddress.Shorten(errors[0].Address)}': {errors[0].Reason}."
            : $"{errors.Count} invalid peer addresses, first '{PeerAddress.Shorten(errors[0].Address)}': {errors[0].Reason}.";
}
