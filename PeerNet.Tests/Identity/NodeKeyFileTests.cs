using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PeerNet.Identity;
using PeerNet.Protocol;
using PeerNet.Storage;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Identity;

/// <summary>The node's key file: created at the first start next to the database, reused after, never silently replaced.</summary>
public sealed class NodeKeyFileTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static PeerNetOptions Options(string? keyFile = null) => new() { IdentityKeyFile = keyFile };

    [Fact]
    public void KeyFile_IsNextToTheDatabase_NamedAfterIt_OrTheOption_AndNoneForAnInMemoryDatabase()
    {
        var store = new StoreLocation("Data Source=data/hostA.db", _dir.Path);
        Assert.Equal(Path.Combine(_dir.Path, "data", "hostA.key"), NodeKeyFile.PathFor(Options(), store, _dir.Path));
        Assert.Equal(Path.Combine(_dir.Path, "data", "peernet.key"), NodeKeyFile.PathFor(Options(), new StoreLocation(null, _dir.Path), _dir.Path));
        Assert.Equal(Path.Combine(_dir.Path, "keys", "me.key"), NodeKeyFile.PathFor(Options("keys/me.key"), store, _dir.Path));
        var memory = new StoreLocation("Data Source=:memory:", _dir.Path);
        Assert.Null(NodeKeyFile.PathFor(Options(), memory, _dir.Path));
        Assert.Equal(Path.Combine(_dir.Path, "k.key"), NodeKeyFile.PathFor(Options("k.key"), memory, _dir.Path));
    }

    [Fact]
    public void FirstLoad_CreatesAnOwnerOnlyPemFile_AndLaterLoadsGiveTheSameId()
    {
        var path = _dir.File(Path.Combine("sub", "node.key"));
        NodeId first;
        using (var created = NodeKeyFile.LoadOrCreate(path))
            first = created.Id;
        Assert.True(File.Exists(path));
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", File.ReadAllText(path));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp")); // the temporary file was moved into place
        using var again = NodeKeyFile.LoadOrCreate(path);
        Assert.Equal(first, again.Id);
        Assert.Equal(again.Id, NodeKey.IdOf(again.PublicKey.Span));
    }

    [Fact]
    public void NoPath_GivesAFreshKeyEachTime()
    {
        using var a = NodeKeyFile.LoadOrCreate(null);
        using var b = NodeKeyFile.LoadOrCreate(null);
        Assert.NotEqual(a.Id, b.Id);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a key")]
    [InlineData("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")]
    public void CorruptFile_IsAClearError_AndIsNotReplaced(string content)
    {
        var path = _dir.File("bad.key");
        File.WriteAllText(path, content);
        var ex = Assert.Throws<InvalidOperationException>(() => NodeKeyFile.LoadOrCreate(path));
        Assert.Contains(path, ex.Message);
        Assert.Contains("not replaced", ex.Message);
        Assert.Equal(content, File.ReadAllText(path));
    }

    [Fact]
    public void Services_GiveTheNodeTheKeysId_AndAnInMemoryNodeOneOfItsOwn()
    {
        ServiceProvider Build(string connection, string? keyFile = null)
        {
            var settings = new Dictionary<string, string?>();
            if (keyFile is not null)
                settings["PeerNet:IdentityKeyFile"] = keyFile;
            return new ServiceCollection()
                .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
                .AddLogging()
                .AddPeerNet(connectionString: connection)
                .BuildServiceProvider();
        }

        NodeId onDisk;
        using (var provider = Build($"Data Source={_dir.File("n.db")}"))
        {
            var identity = provider.GetRequiredService<NodeIdentity>();
            Assert.Equal(_dir.File("n.key"), identity.KeyFile);
            onDisk = identity.Id;
        }
        using (var provider = Build($"Data Source={_dir.File("n.db")}"))
            Assert.Equal(onDisk, provider.GetRequiredService<NodeIdentity>().Id);
        using (var m1 = Build("Data Source=:memory:"))
        using (var m2 = Build("Data Source=:memory:"))
        {
            Assert.Null(m1.GetRequiredService<NodeIdentity>().KeyFile);
            Assert.NotEqual(m1.GetRequiredService<NodeIdentity>().Id, m2.GetRequiredService<NodeIdentity>().Id);
        }
        // An in-memory node names a file: that key is kept.
        using (var named = Build("Data Source=:memory:", _dir.File("n.key")))
            Assert.Equal(onDisk, named.GetRequiredService<NodeIdentity>().Id);
    }

    [Fact]
    public void ARegisteredKey_IsTheNodes_AndNoKeyFileIsWritten()
    {
        var key = NodeKey.FromSeed(new byte[32]);
        using (var provider = new ServiceCollection().AddLogging().AddSingleton(key)
            .AddPeerNet(connectionString: $"Data Source={_dir.File("r.db")}").BuildServiceProvider())
        {
            var identity = provider.GetRequiredService<NodeIdentity>();
            Assert.Same(key, identity.Key);
            Assert.Equal((key.Id, (string?)null), (identity.Id, identity.KeyFile));
        }
        Assert.False(File.Exists(_dir.File("r.key")));
    }

    [Fact]
    public void Options_DefaultToNoFileAndUnverifiedPeersAdmitted_AndBind()
    {
        using var provider = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["PeerNet:IdentityKeyFile"] = "keys/node.key",
                ["PeerNet:RequireVerifiedPeers"] = "true",
            }).Build())
            .AddPeerNet(connectionString: "Data Source=:memory:")
            .BuildServiceProvider();
        var bound = provider.GetRequiredService<IOptions<PeerNetOptions>>().Value;
        Assert.Equal(("keys/node.key", true), (bound.IdentityKeyFile, bound.RequireVerifiedPeers));
        var defaults = new PeerNetOptions();
        Assert.Equal((null, false), (defaults.IdentityKeyFile, defaults.RequireVerifiedPeers));
    }

    [Fact]
    public async Task Host_RestartedOnTheSameDatabase_KeepsItsId_TwoDatabasesGiveTwoIds_AndTheKeyLiesBesideTheDatabase()
    {
        await using var cluster = new TestCluster();
        var a = await cluster.StartAsync(new TestNodeOptions { Name = "a" });
        var b = await cluster.StartAsync(new TestNodeOptions { Name = "b" });
        var id = a.Node.Id;
        Assert.NotEqual(id, b.Node.Id);
        Assert.True(File.Exists(cluster.File("a.key")));
        Assert.True(File.Exists(cluster.File("b.key")));
        await cluster.StopAsync(a);

        var restarted = await cluster.StartAsync(new TestNodeOptions { Name = "a" });
        Assert.Equal(id, restarted.Node.Id);
        using var kept = NodeKeyFile.LoadOrCreate(cluster.File("a.key"));
        Assert.Equal(id, kept.Id.ToString());
    }

    [Fact]
    public async Task Host_WithACorruptKeyFile_DoesNotStart_AndSaysWhy()
    {
        var database = _dir.File("c.db");
        File.WriteAllText(_dir.File("c.key"), "garbage");
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => TestNode.StartAsync(database));
        var inner = ex;
        while (inner is not InvalidOperationException && inner.InnerException is not null)
            inner = inner.InnerException;
        Assert.Contains("identity key file", inner.Message);
        Assert.Equal("garbage", File.ReadAllText(_dir.File("c.key")));
    }
}
