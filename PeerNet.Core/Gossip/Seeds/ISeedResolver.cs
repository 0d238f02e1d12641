using System.Net;

namespace PeerNet.Gossip.Seeds;

/// <summary>
/// Resolves the DNS names of <see cref="PeerNetOptions.Seeds"/> at every bootstrap round. The default is
/// <see cref="DnsSeedResolver"/> (the system resolver for A/AAAA, DnsClient for SRV); register another singleton
/// before or after <c>AddPeerNet</c> to replace it (tests register one they control).
/// </summary>
/// <remarks>
/// A name with no records answers an empty list; a lookup that fails throws (a <see cref="TimeoutException"/> for a
/// timeout). Bootstrap bounds every call with <see cref="PeerNetOptions.SeedResolveTimeout"/> and passes a token that
/// is cancelled then; a failure is logged at Debug and counted, and the round goes on.
/// </remarks>
public interface ISeedResolver
{
    /// <summary>The A and AAAA records of <paramref name="host"/>.</summary>
    Task<IReadOnlyList<IPAddress>> ResolveAddressesAsync(string host, CancellationToken cancellationToken);

    /// <summary>The SRV records of <paramref name="name"/> (<c>_service._proto.domain</c>).</summary>
    Task<IReadOnlyList<SrvTarget>> ResolveServiceAsync(string name, CancellationToken cancellationToken);
}

/// <summary>One SRV record: where a service runs.</summary>
/// <param name="Host">The target host name (without a trailing dot).</param>
/// <param name="Port">The target port.</param>
/// <param name="Priority">Lower is preferred.</param>
/// <param name="Weight">Relative weight among records of one priority.</param>
public readonly record struct SrvTarget(string Host, int Port, int Priority = 0, int Weight = 0);
