using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PeerNet.Host.RateLimiting;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Configuration;

/// <summary>The host's <c>RateLimits</c> section: defaults, binding, validation at start.</summary>
public sealed class RateLimitOptionsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .AddLogging();
        services.AddPeerNetRateLimits();
        return services.BuildServiceProvider();
    }

    private static RateLimitOptions Bind(Dictionary<string, string?> settings)
    {
        using var provider = Build(settings);
        return provider.GetRequiredService<IOptions<RateLimitOptions>>().Value;
    }

    private static string ValidationError(Dictionary<string, string?> settings)
    {
        using var provider = Build(settings);
        return Assert.ThrowsAny<Exception>(() => provider.GetRequiredService<IOptions<RateLimitOptions>>().Value).Message;
    }

    [Fact]
    public void Defaults_LeaveHonestScriptsAlone()
    {
        var o = Bind([]);
        Assert.Equal((100, 200), (o.WritesPerSecond, o.WriteBurst));
        Assert.Equal((20, 40), (o.AnnouncesPerSecond, o.AnnounceBurst));
        Assert.Equal(8, o.StreamsPerClient);
        Assert.Equal(4096, o.Partitions);
        Assert.Equal(64, o.OpenAnnouncesPerClient);
    }

    [Fact]
    public void Binds_EveryKey()
    {
        var o = Bind(new()
        {
            ["RateLimits:WritesPerSecond"] = "5",
            ["RateLimits:WriteBurst"] = "6",
            ["RateLimits:AnnouncesPerSecond"] = "7",
            ["RateLimits:AnnounceBurst"] = "8",
            ["RateLimits:StreamsPerClient"] = "9",
            ["RateLimits:Partitions"] = "10",
            ["RateLimits:OpenAnnouncesPerClient"] = "11",
        });
        Assert.Equal((5, 6, 7, 8, 9, 10, 11), (o.WritesPerSecond, o.WriteBurst, o.AnnouncesPerSecond, o.AnnounceBurst, o.StreamsPerClient, o.Partitions, o.OpenAnnouncesPerClient));
    }

    [Theory]
    [InlineData("WritesPerSecond", "0")]
    [InlineData("AnnounceBurst", "-1")]
    [InlineData("StreamsPerClient", "0")]
    [InlineData("Partitions", "0")]
    [InlineData("OpenAnnouncesPerClient", "0")]
    public void OutOfRange_NamesTheKey(string key, string value) =>
        Assert.Contains(key, ValidationError(new() { [$"RateLimits:{key}"] = value }));

    [Fact]
    public void ABurstBelowTheRate_IsRefused_NamingBothKeysAndValues()
    {
        var error = ValidationError(new() { ["RateLimits:WritesPerSecond"] = "50", ["RateLimits:WriteBurst"] = "10", ["RateLimits:AnnounceBurst"] = "5" });
        Assert.Contains("RateLimits:WriteBurst = 10 is below RateLimits:WritesPerSecond = 50", error);
        Assert.Contains("RateLimits:AnnounceBurst = 5 is below RateLimits:AnnouncesPerSecond = 20", error);
    }

    [Fact]
    public void AnUnknownKey_IsNamed() =>
        Assert.Contains("WritesPerSecnd", ValidationError(new() { ["RateLimits:WritesPerSecnd"] = "5" }));

    [Fact]
    public async Task ABadValue_StopsTheHostAtStart()
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => TestNode.StartAsync(_dir.File("bad.db"),
            new Dictionary<string, string?> { ["RateLimits:StreamsPerClient"] = "0" }));
        Assert.Contains("StreamsPerClient", ex.Message);
    }
}
