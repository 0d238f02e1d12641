namespace PeerNet.Addressing;

/// <summary>Validates a batch of addresses all at once, so a caller hears about every bad one.</summary>
public static class PeerAddressBatch
{
    /// <summary>Parses every address; throws listing each invalid one, so nothing of a bad batch is used.</summary>
    /// <exception cref="InvalidPeerAddressException">At least one address is invalid.</exception>
    public static IReadOnlyList<PeerAddress> ParseAll(IEnumerable<string?> addresses, string? paramName = null) =>
        ParseAll(addresses, PeerAddress.BuiltInSchemes, paramName);

    /// <summary>Parses every address against <paramref name="schemes"/>; throws listing each invalid one.</summary>
    /// <exception cref="InvalidPeerAddressException">At least one address is invalid.</exception>
    public static IReadOnlyList<PeerAddress> ParseAll(IEnumerable<string?> addresses, IReadOnlySet<string> schemes, string? paramName = null)
    {
        ArgumentNullException.ThrowIfNull(addresses, paramName);
        var parsed = new List<PeerAddress>();
        List<InvalidAddress>? errors = null;
        var index = 0;
        foreach (var text in addresses)
        {
            if (PeerAddress.TryParse(text, schemes, out var address, out var error))
                parsed.Add(address);
            else
                (errors ??= []).Add(new InvalidAddress(index, text, error));
            index++;
        }
        if (errors is not null)
            throw new InvalidPeerAddressException(errors, paramName);
        return parsed;
    }
}
