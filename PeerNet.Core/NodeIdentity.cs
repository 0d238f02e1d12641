using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PeerNet.Addressing;
using PeerNet.Identity;
using PeerNet.Protocol;
using PeerNet.Storage;

namespace PeerNet;

/// <summary>
/// Who this node is: its key pair and the node id derived from it (kept next to the database by
/// <see cref="NodeKeyFile"/>, so the id survives restarts), its advertised addresses and its seeds, parsed once here for
/// every part that needs them (options validation already proved them valid).
/// </summary>
public sealed class NodeIdentity : IDisposable
{
    /// <summary>
    /// Loads the node's key (creating it at the first start), or takes <paramref name="key"/> when the application
    /// registered a <see cref="NodeKey"/> singleton (a key from its own secret store; no key file is used then).
    /// </summary>
    /// <exception cref="InvalidOperationException">The key file exists but cannot be read or is corrupt.</exception>
    public NodeIdentity(IOptions<PeerNetOptions> options, StoreLocation store, AddressRules rules, IHostEnvironment? environment = null, NodeKey? key = null)
    {
        if (key is null)
        {
            KeyFile = NodeKeyFile.PathFor(options.Value, store, environment?.ContentRootPath ?? AppContext.BaseDirectory);
            _ownedKey = NodeKeyFile.LoadOrCreate(KeyFile);
        }
        Key = key ?? _ownedKey!;
        Id = Key.Id;
        Advertised = rules.ParseAll(options.Value.Advertise).DistinctBy(a => a.Value, StringComparer.Ordinal).ToArray();
        AdvertisedAddresses = Advertised.Select(a => a.Value).ToArray();
        var seeds = options.Value.Seeds.Select(s => Gossip.Seeds.SeedSpec.Parse(s, rules.Schemes)).DistinctBy(s => s.Text, StringComparer.Ordinal).ToArray();
        Seeds = seeds.Where(s => s.Address is not null).Select(s => s.Address!).ToArray();
        SavedSeeds = seeds.Where(s => s.Kind == Gossip.Seeds.SeedKind.Address).Select(s => s.Address!).ToArray();
        ResolvedSeeds = seeds.Where(s => s.Kind != Gossip.Seeds.SeedKind.Address).ToArray();
        Scope = Gossip.AddressScope.For(Advertised, options.Value.GossipPrivateAddresses);
        PrivatePolicy = options.Value.GossipPrivateAddresses;
        // Control frames are the tree rule's; a node on the original rule neither sends nor wants them.
        Extension = new(HelloExtension.CurrentVersion,
            HelloFeatures.Identity
            | (options.Value.Dissemination == Gossip.Dissemination.DisseminationRule.Tree ? HelloFeatures.ControlFrames : HelloFeatures.None));
    }

    /// <summary>The node id of the _hello handshake: the first 16 bytes of SHA-256(public key).</summary>
    public NodeId Id { get; }

    /// <summary>The node's Ed25519 key pair.</summary>
    public NodeKey Key { get; }

    /// <summary>Where the key is kept; null when it is a fresh one for this run only (in-memory database) or was registered.</summary>
    public string? KeyFile { get; }

    /// <summary>What this node appends to its id in _hello: it is a PeerNet node.</summary>
    public HelloExtension Extension { get; }

    /// <summary>This node's own addresses (<see cref="PeerNetOptions.Advertise"/>), normalized.</summary>
    public IReadOnlyList<string> AdvertisedAddresses { get; }

    /// <summary>This node's own addresses, parsed.</summary>
    public IReadOnlyList<PeerAddress> Advertised { get; }

    /// <summary>The configured seeds written as addresses (<see cref="PeerNetOptions.Seeds"/> but the SRV ones), parsed: purge keeps them.</summary>
    public IReadOnlyList<PeerAddress> Seeds { get; }

    /// <summary>The seeds saved at start: IP literals, <c>localhost</c>, custom transports' addresses.</summary>
    public IReadOnlyList<PeerAddress> SavedSeeds { get; }

    /// <summary>The seeds resolved at every bootstrap round: DNS names and SRV names.</summary>
    public IReadOnlyList<Gossip.Seeds.SeedSpec> ResolvedSeeds { get; }

    /// <summary>
    /// The scope of addresses learned from gossip (<see cref="PeerNetOptions.GossipPrivateAddresses"/>; Auto judged by
    /// the advertised IP literals; <see cref="Gossip.DialScope"/> also resolves advertised names).
    /// </summary>
    public Gossip.AddressScope Scope { get; }

    /// <summary><see cref="PeerNetOptions.GossipPrivateAddresses"/>.</summary>
    public Gossip.PrivateAddressPolicy PrivatePolicy { get; }

    private readonly NodeKey? _ownedKey; // the one it loaded; a registered key is its registrant's (the container disposes it)

    /// <inheritdoc />
    public void Dispose() => _ownedKey?.Dispose();
}
