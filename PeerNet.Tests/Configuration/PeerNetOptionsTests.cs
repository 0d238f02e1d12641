using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Configuration;

public sealed class PeerNetOptionsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private ServiceProvider Build(Dictionary<string, string?> settings, Action<PeerNetOptions>? configure = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging(b => b.AddProvider(new RecordingLoggerProvider()));
        services.AddPeerNet(configure, connectionString: $"Data Source={_dir.File("o.db")}");
        return services.BuildServiceProvider();
    }

    private PeerNetOptions Bind(Dictionary<string, string?> settings)
    {
        using var provider = Build(settings);
        return provider.GetRequiredService<IOptions<PeerNetOptions>>().Value;
    }

    private string ValidationError(string key, string? value)
    {
        using var provider = Build(new() { [key] = value });
        var ex = Assert.ThrowsAny<Exception>(() => provider.GetRequiredService<IOptions<PeerNetOptions>>().Value);
        return ex.Message;
    }

    [Fact]
    public void Defaults_FollowTheOriginal()
    {
        var o = Bind([]);
        Assert.True(o.Bootstrap);
        Assert.Equal(5000, o.Interval);
        Assert.Equal(60_000, o.Purge);
        Assert.Equal(10, o.PurgeSample);
        Assert.Equal(5, o.Connections);
        Assert.Equal(10, o.Size);
        Assert.Equal(16, o.Fanout);
        Assert.Equal(64, o.MaxHops);
        Assert.Equal(PeerNet.Gossip.Dissemination.DisseminationRule.Tree, o.Dissemination);
        Assert.Equal(800, o.GraftTimeout);
        Assert.Equal(50, o.IhaveDelay);
        Assert.False(o.Debug);
        Assert.Empty(o.Seeds);
        Assert.Equal(5000, o.SeedResolveTimeout);
        Assert.Empty(o.Advertise);
        Assert.Null(o.ApiKey);
        Assert.Null(o.MetricsKey);
        Assert.True(o.Dashboard);
        Assert.Equal(TimeSpan.FromHours(24), o.RemovedTtl);
        Assert.Equal(5000, o.StoreBatchSize);
        Assert.Equal(250, o.StoreFlushInterval);
        Assert.Equal(10_000, o.StoreQueueCapacity);
        Assert.Equal(0, o.TcpPort);
        Assert.Equal(5000, o.HandshakeTimeout);
        Assert.Equal(10_000, o.ConnectTimeout);
        Assert.Equal(15_000, o.KeepAliveInterval);
        Assert.Equal(3, o.KeepAliveMisses);
        Assert.Equal(1000, o.MaxPeers);
        Assert.Equal(128, o.MaxPendingHandshakes);
        Assert.Equal(8, o.MaxConnectionsPerPrefix);
        Assert.Equal(1024, o.SendQueueCapacity);
        Assert.Equal(65536, o.MaxFrameLength);
    }

    [Fact]
    public void Binds_EveryOption_FromConfigurationKeysAsEnvironmentVariablesGiveThem()
    {
        // PeerNet__Seeds__0=... arrives in configuration as PeerNet:Seeds:0.
        var o = Bind(new()
        {
            ["PeerNet:Bootstrap"] = "false",
            ["PeerNet:Interval"] = "300",
            ["PeerNet:Purge"] = "0",
            ["PeerNet:PurgeSample"] = "25",
            ["PeerNet:Connections"] = "8",
            ["PeerNet:Size"] = "20",
            ["PeerNet:Fanout"] = "4",
            ["PeerNet:MaxHops"] = "64",
            ["PeerNet:Dissemination"] = "RandomFanout",
            ["PeerNet:GraftTimeout"] = "250",
            ["PeerNet:IhaveDelay"] = "0",
            ["PeerNet:Debug"] = "true",
            ["PeerNet:Seeds:0"] = "ws://seed:8080/peer",
            ["PeerNet:Seeds:1"] = "ws://seed2:8080/peer",
            ["PeerNet:Seeds:2"] = "srv+ws://_peernet._tcp.example.org/peer",
            ["PeerNet:SeedResolveTimeout"] = "1500",
            ["PeerNet:Advertise:0"] = "ws://me:8080/peer",
            ["PeerNet:ApiKey"] = "s3cret",
            ["PeerNet:MetricsKey"] = "scrape",
            ["PeerNet:Dashboard"] = "false",
            ["PeerNet:RemovedTtl"] = "02:30:00",
            ["PeerNet:StoreBatchSize"] = "100",
            ["PeerNet:StoreFlushInterval"] = "50",
            ["PeerNet:StoreQueueCapacity"] = "64",
            ["PeerNet:TcpPort"] = "9000",
            ["PeerNet:HandshakeTimeout"] = "700",
            ["PeerNet:ConnectTimeout"] = "800",
            ["PeerNet:KeepAliveInterval"] = "900",
            ["PeerNet:KeepAliveMisses"] = "4",
            ["PeerNet:MaxPeers"] = "50",
            ["PeerNet:MaxPendingHandshakes"] = "10",
            ["PeerNet:MaxConnectionsPerPrefix"] = "2",
            ["PeerNet:SendQueueCapacity"] = "16",
            ["PeerNet:MaxFrameLength"] = "4096",
        });
        Assert.False(o.Bootstrap);
        Assert.Equal((300, 0, 8, 20, 4, 64), (o.Interval, o.Purge, o.Connections, o.Size, o.Fanout, o.MaxHops));
        Assert.Equal(25, o.PurgeSample);
        Assert.Equal((PeerNet.Gossip.Dissemination.DisseminationRule.RandomFanout, 250, 0), (o.Dissemination, o.GraftTimeout, o.IhaveDelay));
        Assert.True(o.Debug);
        Assert.Equal(["ws://seed:8080/peer", "ws://seed2:8080/peer", "srv+ws://_peernet._tcp.example.org/peer"], o.Seeds);
        Assert.Equal(1500, o.SeedResolveTimeout);
        Assert.Equal(["ws://me:8080/peer"], o.Advertise);
        Assert.Equal("s3cret", o.ApiKey);
        Assert.Equal("scrape", o.MetricsKey);
        Assert.False(o.Dashboard);
        Assert.Equal(TimeSpan.FromMinutes(150), o.RemovedTtl);
        Assert.Equal((100, 50, 64), (o.StoreBatchSize, o.StoreFlushInterval, o.StoreQueueCapacity));
        Assert.Equal((9000, 700, 800, 900, 4), (o.TcpPort, o.HandshakeTimeout, o.ConnectTimeout, o.KeepAliveInterval, o.KeepAliveMisses));
        Assert.Equal((50, 10, 2, 16, 4096), (o.MaxPeers, o.MaxPendingHandshakes, o.MaxConnectionsPerPrefix, o.SendQueueCapacity, o.MaxFrameLength));
    }

    [Theory]
    [InlineData("PeerNet:Interval", "-1", "Interval")]
    [InlineData("PeerNet:Purge", "-1", "Purge")]
    [InlineData("PeerNet:PurgeSample", "0", "PurgeSample")]
    [InlineData("PeerNet:GraftTimeout", "5", "GraftTimeout")]
    [InlineData("PeerNet:IhaveDelay", "-1", "IhaveDelay")]
    [InlineData("PeerNet:Connections", "-1", "Connections")]
    [InlineData("PeerNet:Size", "0", "Size")]
    [InlineData("PeerNet:Fanout", "0", "Fanout")]
    [InlineData("PeerNet:MaxHops", "0", "MaxHops")]
    [InlineData("PeerNet:MaxHops", "256", "MaxHops")]
    [InlineData("PeerNet:StoreBatchSize", "0", "StoreBatchSize")]
    [InlineData("PeerNet:StoreFlushInterval", "-5", "StoreFlushInterval")]
    [InlineData("PeerNet:StoreQueueCapacity", "0", "StoreQueueCapacity")]
    [InlineData("PeerNet:TcpPort", "70000", "TcpPort")]
    [InlineData("PeerNet:HandshakeTimeout", "10", "HandshakeTimeout")]
    [InlineData("PeerNet:ConnectTimeout", "0", "ConnectTimeout")]
    [InlineData("PeerNet:KeepAliveInterval", "0", "KeepAliveInterval")]
    [InlineData("PeerNet:KeepAliveMisses", "1", "KeepAliveMisses")]
    [InlineData("PeerNet:MaxPeers", "0", "MaxPeers")]
    [InlineData("PeerNet:MaxPendingHandshakes", "0", "MaxPendingHandshakes")]
    [InlineData("PeerNet:MaxConnectionsPerPrefix", "0", "MaxConnectionsPerPrefix")]
    [InlineData("PeerNet:SendQueueCapacity", "0", "SendQueueCapacity")]
    [InlineData("PeerNet:MaxFrameLength", "1000", "MaxFrameLength")]
    [InlineData("PeerNet:Seeds:0", "ftp://seed", "PeerNet:Seeds:0")]
    [InlineData("PeerNet:Seeds:0", "srv+ws://_peernet._tcp.example.org:8080/peer", "PeerNet:Seeds:0")]
    [InlineData("PeerNet:Seeds:0", "srv+ws://10.1.2.3/peer", "PeerNet:Seeds:0")]
    [InlineData("PeerNet:SeedResolveTimeout", "50", "SeedResolveTimeout")]
    [InlineData("PeerNet:SeedResolveTimeout", "60001", "SeedResolveTimeout")]
    [InlineData("PeerNet:Advertise:0", "tcp://noport", "PeerNet:Advertise:0")]
    [InlineData("PeerNet:ApiKey", "   ", "PeerNet:ApiKey")]
    [InlineData("PeerNet:MetricsKey", "   ", "PeerNet:MetricsKey")]
    [InlineData("PeerNet:RemovedTtl", "-01:00:00", "PeerNet:RemovedTtl")]
    [InlineData("PeerNet:PurgedTtl", "-00:00:01", "PeerNet:PurgedTtl")]
    [InlineData("PeerNet:PurgeMinFailures", "0", "PurgeMinFailures")]
    [InlineData("PeerNet:PurgeFailingFor", "-00:00:01", "PeerNet:PurgeFailingFor")]
    [InlineData("PeerNet:PurgeFailingFor", "400.00:00:00", "PeerNet:PurgeFailingFor")]
    [InlineData("PeerNet:SampleTrustedShare", "1.5", "SampleTrustedShare")]
    [InlineData("PeerNet:LearnRate", "0", "LearnRate")]
    [InlineData("PeerNet:LearnBurst", "0", "LearnBurst")]
    [InlineData("PeerNet:IdentityKeyFile", "   ", "PeerNet:IdentityKeyFile")]
    [InlineData("PeerNet:IdentityKeyFile", "keys/", "PeerNet:IdentityKeyFile")]
    public void Validation_NamesTheKeyOfABadValue(string key, string value, string expectedKey)
    {
        using var provider = Build(new() { [key] = value });
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<PeerNetOptions>>().Value);
        Assert.Contains(expectedKey, ex.Message);
    }

    [Fact]
    public void Validation_ReportsEveryFailureAtOnce()
    {
        using var provider = Build(new() { ["PeerNet:Seeds:0"] = "bad", ["PeerNet:Seeds:1"] = "worse", ["PeerNet:Connections"] = "-3" });
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<PeerNetOptions>>().Value);
        Assert.Contains("PeerNet:Seeds:0", ex.Message);
        Assert.Contains("PeerNet:Seeds:1", ex.Message);
        Assert.Contains("Connections", ex.Message);
    }

    [Fact]
    public void Binding_AValueOfTheWrongType_NamesTheKey()
    {
        Assert.Contains("PeerNet:Connections", ValidationError("PeerNet:Connections", "many"));
        Assert.Contains("PeerNet:Debug", ValidationError("PeerNet:Debug", "maybe"));
        Assert.Contains("PeerNet:Dashboard", ValidationError("PeerNet:Dashboard", "maybe"));
        Assert.Contains("PeerNet:Dissemination", ValidationError("PeerNet:Dissemination", "Flood"));
    }

    [Fact]
    public void Binding_AnUnknownKey_NamesIt()
    {
        Assert.Contains("Conections", ValidationError("PeerNet:Conections", "8"));
    }

    [Fact]
    public void Configure_CallbackAppliesAfterConfiguration()
    {
        using var provider = Build(new() { ["PeerNet:Connections"] = "8" }, o => o.Size = 33);
        var o = provider.GetRequiredService<IOptions<PeerNetOptions>>().Value;
        Assert.Equal((8, 33), (o.Connections, o.Size));
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    public void Debug_TurnsPeerNetCategoriesToDebug_ForLibraryUsersToo(string debug, bool expected)
    {
        using var provider = Build(new() { ["PeerNet:Debug"] = debug });
        var factory = provider.GetRequiredService<ILoggerFactory>();
        Assert.Equal(expected, factory.CreateLogger("PeerNet.Storage.PeerStore").IsEnabled(LogLevel.Debug));
        Assert.False(factory.CreateLogger("Microsoft.Something").IsEnabled(LogLevel.Debug));
    }

    // Per-prefix inbound caps (H2): the source prefix widths and loopback's own cap.
    [Fact]
    public void InboundSourceOptions_HaveDefaults_Bind_AndAreValidated()
    {
        var defaults = new PeerNetOptions();
        Assert.Equal((24, 64, 64), (defaults.InboundPrefixV4, defaults.InboundPrefixV6, defaults.MaxConnectionsPerLoopbackAddress));
        var o = Bind(new()
        {
            ["PeerNet:InboundPrefixV4"] = "16",
            ["PeerNet:InboundPrefixV6"] = "48",
            ["PeerNet:MaxConnectionsPerLoopbackAddress"] = "500",
        });
        Assert.Equal((16, 48, 500), (o.InboundPrefixV4, o.InboundPrefixV6, o.MaxConnectionsPerLoopbackAddress));
        Assert.Contains("InboundPrefixV4", ValidationError("PeerNet:InboundPrefixV4", "33"));
        Assert.Contains("InboundPrefixV6", ValidationError("PeerNet:InboundPrefixV6", "8"));
        Assert.Contains("MaxConnectionsPerLoopbackAddress", ValidationError("PeerNet:MaxConnectionsPerLoopbackAddress", "0"));
    }

    // Dial-time scope (M2): private ranges from gossip.
    [Fact]
    public void GossipPrivateAddresses_DefaultsToAuto_Binds_AndABadValueNamesTheKey()
    {
        Assert.Equal(PeerNet.Gossip.PrivateAddressPolicy.Auto, new PeerNetOptions().GossipPrivateAddresses);
        Assert.Equal(PeerNet.Gossip.PrivateAddressPolicy.Refuse, Bind(new() { ["PeerNet:GossipPrivateAddresses"] = "Refuse" }).GossipPrivateAddresses);
        Assert.Equal(PeerNet.Gossip.PrivateAddressPolicy.Allow, Bind(new() { ["PeerNet:GossipPrivateAddresses"] = "Allow" }).GossipPrivateAddresses);
        Assert.Contains("PeerNet:GossipPrivateAddresses", ValidationError("PeerNet:GossipPrivateAddresses", "Sometimes"));
    }

    [Fact]
    public void RequestBudgets_HaveDefaults_Bind_AndRelayedMayNotBeBelowOrigin()
    {
        var o = Bind([]);
        Assert.Equal((2000, 4000, 20_000, 40_000, 5, 600),
            (o.OriginRequestRate, o.OriginRequestBurst, o.RelayedRequestRate, o.RelayedRequestBurst, o.OriginFloodSeconds, o.OriginFloodPenalty));
        var bound = Bind(new()
        {
            ["PeerNet:OriginRequestRate"] = "10",
            ["PeerNet:OriginRequestBurst"] = "20",
            ["PeerNet:RelayedRequestRate"] = "30",
            ["PeerNet:RelayedRequestBurst"] = "40",
            ["PeerNet:OriginFloodSeconds"] = "2",
            ["PeerNet:OriginFloodPenalty"] = "0",
        });
        Assert.Equal((10, 20, 30, 40, 2, 0),
            (bound.OriginRequestRate, bound.OriginRequestBurst, bound.RelayedRequestRate, bound.RelayedRequestBurst, bound.OriginFloodSeconds, bound.OriginFloodPenalty));
        Assert.Contains("OriginRequestRate", ValidationError("PeerNet:OriginRequestRate", "0"));
        Assert.Contains("OriginRequestBurst", ValidationError("PeerNet:OriginRequestBurst", "0"));
        Assert.Contains("RelayedRequestBurst", ValidationError("PeerNet:RelayedRequestBurst", "0"));
        Assert.Contains("OriginFloodSeconds", ValidationError("PeerNet:OriginFloodSeconds", "0"));
        Assert.Contains("OriginFloodPenalty", ValidationError("PeerNet:OriginFloodPenalty", "-1"));
        Assert.Contains("PeerNet:RelayedRequestRate", ValidationError("PeerNet:RelayedRequestRate", "1000")); // below the origin rate
    }

    private sealed class RecordingLoggerProvider : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new NullLogger();

        public void Dispose() { }

        private sealed class NullLogger : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) { }
        }
    }

    [Fact]
    public void AddressTableOptions_HaveDefaults_AndBind()
    {
        var defaults = Bind([]);
        Assert.Equal((TimeSpan.FromMinutes(10), 3, TimeSpan.FromHours(1)), (defaults.PurgedTtl, defaults.PurgeMinFailures, defaults.PurgeFailingFor));
        Assert.Equal((0.9, 2.0, 1000), (defaults.SampleTrustedShare, defaults.LearnRate, defaults.LearnBurst));

        var o = Bind(new()
        {
            ["PeerNet:PurgedTtl"] = "00:05:00",
            ["PeerNet:PurgeMinFailures"] = "5",
            ["PeerNet:PurgeFailingFor"] = "02:00:00",
            ["PeerNet:SampleTrustedShare"] = "0.5",
            ["PeerNet:LearnRate"] = "0.25",
            ["PeerNet:LearnBurst"] = "50",
        });
        Assert.Equal((TimeSpan.FromMinutes(5), 5, TimeSpan.FromHours(2)), (o.PurgedTtl, o.PurgeMinFailures, o.PurgeFailingFor));
        Assert.Equal((0.5, 0.25, 50), (o.SampleTrustedShare, o.LearnRate, o.LearnBurst));
    }

    [Fact]
    public void HealingOptions_HaveDefaults_Bind_AndAreValidated()
    {
        var defaults = Bind([]);
        Assert.Equal((120_000, 600_000, 2), (defaults.FeelerInterval, defaults.RotateInterval, defaults.Anchors));
        var o = Bind(new()
        {
            ["PeerNet:FeelerInterval"] = "0",
            ["PeerNet:RotateInterval"] = "1000",
            ["PeerNet:Anchors"] = "5",
        });
        Assert.Equal((0, 1000, 5), (o.FeelerInterval, o.RotateInterval, o.Anchors));
        Assert.Contains("FeelerInterval", ValidationError("PeerNet:FeelerInterval", "-1"));
        Assert.Contains("RotateInterval", ValidationError("PeerNet:RotateInterval", "-5"));
        Assert.Contains("Anchors", ValidationError("PeerNet:Anchors", "65"));
    }

    // Topics (issue 16).
    [Fact]
    public void TopicOptions_HaveDefaults_Bind_AndAreValidated()
    {
        var o = Bind([]);
        Assert.Equal((10_000, 1000, 64, 16), (o.TopicRegistrations, o.TopicMembersPerTopic, o.TopicAddressesPerClient, o.TopicAddressesPerRegistration));
        Assert.Equal((8, 3, 64, 10, 20, 10), (o.TopicAnswerSample, o.TopicMembersPerResponder, o.TopicAnswersPerLookup, o.TopicLookupRate, o.TopicLookupBurst, o.TopicCacheSeconds));
        var bound = Bind(new()
        {
            ["PeerNet:TopicRegistrations"] = "500",
            ["PeerNet:TopicMembersPerTopic"] = "50",
            ["PeerNet:TopicAddressesPerClient"] = "7",
            ["PeerNet:TopicAddressesPerRegistration"] = "2",
            ["PeerNet:TopicAnswerSample"] = "4",
            ["PeerNet:TopicMembersPerResponder"] = "1",
            ["PeerNet:TopicAnswersPerLookup"] = "9",
            ["PeerNet:TopicLookupRate"] = "5",
            ["PeerNet:TopicLookupBurst"] = "6",
            ["PeerNet:TopicCacheSeconds"] = "0",
        });
        Assert.Equal((500, 50, 7, 2), (bound.TopicRegistrations, bound.TopicMembersPerTopic, bound.TopicAddressesPerClient, bound.TopicAddressesPerRegistration));
        Assert.Equal((4, 1, 9, 5, 6, 0), (bound.TopicAnswerSample, bound.TopicMembersPerResponder, bound.TopicAnswersPerLookup, bound.TopicLookupRate, bound.TopicLookupBurst, bound.TopicCacheSeconds));
        Assert.Contains("TopicRegistrations", ValidationError("PeerNet:TopicRegistrations", "0"));
        Assert.Contains("TopicAddressesPerRegistration", ValidationError("PeerNet:TopicAddressesPerRegistration", "256"));
        Assert.Contains("TopicMembersPerResponder", ValidationError("PeerNet:TopicMembersPerResponder", "0"));
        Assert.Contains("TopicAnswersPerLookup", ValidationError("PeerNet:TopicAnswersPerLookup", "5000"));
        Assert.Contains("TopicCacheSeconds", ValidationError("PeerNet:TopicCacheSeconds", "601"));
        Assert.Contains("PeerNet:TopicLookupBurst", ValidationError("PeerNet:TopicLookupBurst", "5")); // below the rate of 10
        Assert.Contains("PeerNet:TopicMembersPerTopic", ValidationError("PeerNet:TopicMembersPerTopic", "20000")); // over TopicRegistrations
    }
}
