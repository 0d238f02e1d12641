using System.Diagnostics.CodeAnalysis;
using PeerNet.Transport;

namespace PeerNet.Addressing;

/// <summary>
/// The address rules of this node: <see cref="PeerAddress"/>'s rules over the built-in schemes plus those of every
/// registered <see cref="IPeerTransport"/>. Everything that takes an address from outside parses it here.
/// </summary>
public sealed class AddressRules
{
    /// <summary>Rules for the built-in schemes and those of <paramref name="transports"/>.</summary>
    public AddressRules(TransportRegistry transports) =>
        Schemes = new HashSet<string>(PeerAddress.BuiltInSchemes.Concat(transports.Schemes.Select(s => s.ToLowerInvariant())), StringComparer.Ordinal);

    /// <summary>The accepted schemes.</summary>
    public IReadOnlySet<string> Schemes { get; }

    /// <summary>Parses one address, or says why it is not one.</summary>
    public bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out PeerAddress? address, [NotNullWhen(false)] out string? error) =>
        PeerAddress.TryParse(text, Schemes, out address, out error);

    /// <summary>Parses a batch; throws listing every invalid address.</summary>
    /// <exception cref="InvalidPeerAddressException">At least one address is invalid.</exception>
    public IReadOnlyList<PeerAddress> ParseAll(IEnumerable<string?> addresses, string? paramName = null) =>
        PeerAddressBatch.ParseAll(addresses, Schemes, paramName);

    /// <summary>Parses one address.</summary>
    /// <exception cref="InvalidPeerAddressException">The address is invalid.</exception>
    public PeerAddress Parse(string? address, string? paramName = null) => ParseAll([address], paramName)[0];
}
