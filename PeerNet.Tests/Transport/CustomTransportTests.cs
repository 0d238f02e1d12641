using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PeerNet.Addressing;
using PeerNet.Tests.Infrastructure;
using PeerNet.Transport;

namespace PeerNet.Tests.Transport;

/// <summary>A transport registered for a scheme of its own: its addresses are valid everywhere and dial through it.</summary>
public sealed class CustomTransportTests
{
    [Fact]
    public async Task AddressesOfARegisteredSchemeAreSavedAndDialled()
    {
        await using var net = new MemoryNet("mem");
        var a = await net.AddAsync("mem://a:1");
        var b = await net.AddAsync("mem://b:1");

        Assert.Equal(1, await a.Node.SaveAsync(["MEM://B:1"], TestContext.Current.CancellationToken));
        Assert.Equal(["mem://b:1"], await a.Node.KnownAsync(TestContext.Current.CancellationToken).ToListAsync(cancellationToken: TestContext.Current.CancellationToken));

        var peer = await a.Node.ConnectAsync("mem://b:1", TestContext.Current.CancellationToken);
        Assert.Equal(b.Identity.Id.ToString(), peer.PeerId);
        Assert.Equal("mem://b:1", Assert.Single(a.Node.Connections()).Address);
    }

    [Fact]
    public void WithoutTheTransportTheSchemeIsRefusedByName()
    {
        var rules = new AddressRules(new TransportRegistry([]));
        var error = Assert.Throws<InvalidPeerAddressException>(() => rules.Parse("mem://a:1", "address"));
        Assert.Contains("scheme 'mem' is not supported", error.Message);
    }

    [Fact]
    public void SeedsAndAdvertiseMayUseARegisteredScheme()
    {
        using var dir = new TempDirectory();
        var services = new ServiceCollection().AddLogging();
        services.AddPeerNet(o =>
        {
            o.Seeds = ["mem://seed:1"];
            o.Advertise = ["mem://me:1"];
        }, connectionString: $"Data Source={dir.File("n.db")}");
        services.AddSingleton<IPeerTransport>(new NoDialTransport());
        using var provider = services.BuildServiceProvider();

        Assert.Equal(["mem://seed:1"], provider.GetRequiredService<IOptions<PeerNetOptions>>().Value.Seeds);
        Assert.Equal(["mem://me:1"], provider.GetRequiredService<NodeIdentity>().AdvertisedAddresses);
    }

    [Fact]
    public void AnUnregisteredSchemeInSeedsFailsValidationNamingTheKey()
    {
        using var dir = new TempDirectory();
        var services = new ServiceCollection().AddLogging();
        services.AddPeerNet(o => o.Seeds = ["mem://seed:1"], connectionString: $"Data Source={dir.File("n.db")}");
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<PeerNetOptions>>().Value);
        Assert.Contains("PeerNet:Seeds:0", error.Message);
    }

    [Fact]
    public async Task RestNodesApi_TakesARegisteredScheme_LikeTheLibrary()
    {
        // The derived factory does not dispose the one it came from, whose folder holds the database.
        await using var api = new ApiFactory();
        await using var factory = api.WithWebHostBuilder(b =>
            b.ConfigureServices(s => s.TryAddEnumerable(ServiceDescriptor.Singleton<IPeerTransport, NoDialTransport>())));
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", ApiFactory.ApiKey);

        var saved = await client.PostAsJsonAsync("/api/nodes", new { addresses = new[] { "MEM://b:1" } }, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Contains("mem://b:1", await client.GetStringAsync("/api/nodes", TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/nodes/stats?address=mem://b:1", TestContext.Current.CancellationToken)).StatusCode); // known: zero counters
        var removed = await client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/api/nodes")
        {
            Content = JsonContent.Create(new { addresses = new[] { "mem://b:1" } }),
        }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        Assert.Contains("\"removed\":1", await removed.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        // Unregistered schemes are still refused by name.
        var refused = await client.PostAsJsonAsync("/api/nodes", new { addresses = new[] { "gopher://b:1" } }, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    }

    private sealed class NoDialTransport : IPeerTransport
    {
        public IReadOnlyCollection<string> Schemes { get; } = ["mem"];

        public Task<PeerConnection> ConnectAsync(PeerAddress address, CancellationToken cancellationToken) =>
            throw new IOException("this test transport does not dial");
    }
}
