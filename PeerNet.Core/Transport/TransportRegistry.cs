using PeerNet.Addressing;
using PeerNet.Peers;

namespace PeerNet.Transport;

/// <summary>Finds the transport for an address's scheme among the registered <see cref="IPeerTransport"/>s.</summary>
public sealed class TransportRegistry
{
    private readonly Dictionary<string, IPeerTransport> _bySchemes = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Indexes the transports; a later one for the same scheme replaces an earlier one.</summary>
    public TransportRegistry(IEnumerable<IPeerTransport> transports)
    {
        foreach (var transport in transports)
        {
            foreach (var scheme in transport.Schemes)
                _bySchemes[scheme] = transport;
        }
    }

    /// <summary>The schemes that can be dialled.</summary>
    public IReadOnlyCollection<string> Schemes => _bySchemes.Keys;

    /// <summary>The transport for <paramref name="address"/>.</summary>
    /// <exception cref="PeerConnectException">No transport dials that scheme.</exception>
    public IPeerTransport For(PeerAddress address) =>
        _bySchemes.TryGetValue(address.Scheme, out var transport)
            ? transport
            : throw new PeerConnectException(address.Value, PeerConnectFailure.NoTransport,
                $"no transport is registered for scheme '{address.Scheme}' (registered: {string.Join(", ", _bySchemes.Keys.Order())})");
}
