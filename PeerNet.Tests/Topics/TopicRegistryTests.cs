using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PeerNet.Tests.Infrastructure;
using PeerNet.Topics;

namespace PeerNet.Tests.Topics;

/// <summary>The registry of a node: bounds, expiry on virtual time, sampling, and the library's renewals.</summary>
public sealed class TopicRegistryTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-01T00:00:00Z"));
    private StandaloneTelemetry _telemetry = new();

    private TopicRegistry Registry(Action<PeerNetOptions>? configure = null)
    {
        _telemetry.Dispose();
        _telemetry = new StandaloneTelemetry(configure);
        var options = new PeerNetOptions();
        configure?.Invoke(options);
        return new TopicRegistry(Options.Create(options), _telemetry.Limits, _time, _telemetry.Metrics);
    }

    private static string Hash(string topic) => TopicName.HashHex(topic);

    public void Dispose() => _telemetry.Dispose();

    [Fact]
    public void AMemberIsAnsweredUntilItsTtl_ThenGone_AndARenewalKeepsIt()
    {
        var registry = Registry();
        var first = registry.Register("chat", ["udp://10.0.0.1:7000", "udp://10.0.0.2:7000"], TimeSpan.FromSeconds(10), owner: "127.0.0.1");
        Assert.Equal((2, 0), (first.Added, first.Renewed));

        _time.Advance(TimeSpan.FromSeconds(6));
        var renewed = registry.Register("chat", ["udp://10.0.0.1:7000"], TimeSpan.FromSeconds(10), owner: "127.0.0.1");
        Assert.Equal((0, 1), (renewed.Added, renewed.Renewed));
        _time.Advance(TimeSpan.FromSeconds(4)); // the second's ttl passed, the first was renewed

        var sample = registry.Sample(Hash("chat"), 10, new RandomSource(1));
        Assert.Equal(["udp://10.0.0.1:7000"], sample.Select(s => s.Address));
        Assert.Equal(TimeSpan.FromSeconds(10), sample[0].Age); // age counts from the first registration
        Assert.Equal(1, registry.Count);

        _time.Advance(TimeSpan.FromSeconds(12));
        Assert.Empty(registry.Sample(Hash("chat"), 10, new RandomSource(1)));
        Assert.Empty(registry.List());
        Assert.Equal(0, registry.Count);
    }

    [Fact]
    public void ATopicOfThousands_AnswersARandomSampleOfTheAskedSize()
    {
        var registry = Registry(o => o.TopicAddressesPerRegistration = 255);
        for (var batch = 0; batch < 4; batch++)
            registry.Register("big", [.. Enumerable.Range(0, 250).Select(i => $"m{batch}-{i}")], TimeSpan.FromMinutes(5), owner: null);
        Assert.Equal(1000, registry.Count);

        var one = registry.Sample(Hash("big"), 8, new RandomSource(1)).Select(s => s.Address).ToList();
        var two = registry.Sample(Hash("big"), 8, new RandomSource(2)).Select(s => s.Address).ToList();
        Assert.Equal(8, one.Count);
        Assert.Equal(8, one.Distinct().Count());
        Assert.NotEqual(one, two);
    }

    [Fact]
    public void EachBoundRefusesTheWholeRegistration_NamingIt_AndCountsAHit()
    {
        var registry = Registry(o => { o.TopicMembersPerTopic = 3; o.TopicRegistrations = 5; o.TopicAddressesPerClient = 4; o.TopicAddressesPerRegistration = 3; });
        using var hits = _telemetry.Services.Collect("peernet.limit.hits");
        registry.Register("a", ["1", "2", "3"], TimeSpan.FromMinutes(1), owner: "10.0.0.9");

        var perTopic = Assert.Throws<TopicLimitException>(() => registry.Register("a", ["4"], TimeSpan.FromMinutes(1), owner: null));
        Assert.Equal("topic_members", perTopic.Limit);
        var perClient = Assert.Throws<TopicLimitException>(() => registry.Register("b", ["5", "6"], TimeSpan.FromMinutes(1), owner: "10.0.0.9"));
        Assert.Equal("topic_client_addresses", perClient.Limit);
        registry.Register("b", ["5", "6"], TimeSpan.FromMinutes(1), owner: null); // the library is not a REST client
        var perNode = Assert.Throws<TopicLimitException>(() => registry.Register("c", ["7"], TimeSpan.FromMinutes(1), owner: null));
        Assert.Equal("topic_registrations", perNode.Limit);
        var perRegistration = Assert.Throws<ArgumentException>(() => registry.Register("d", ["1", "2", "3", "4"], TimeSpan.FromMinutes(1), owner: null));
        Assert.Equal("addresses", perRegistration.ParamName);

        Assert.Equal(5, registry.Count); // nothing of a refused registration stayed
        foreach (var limit in new[] { "topic_members", "topic_client_addresses", "topic_registrations", "topic_registration_addresses" })
            Assert.Equal(1, hits.Sum("limit", limit));

        // Expired members free their room: the node's bound counts only live ones.
        _time.Advance(TimeSpan.FromMinutes(2));
        registry.Register("c", ["7"], TimeSpan.FromMinutes(1), owner: "10.0.0.9");
        Assert.Equal(1, registry.Count);
    }

    [Theory]
    [InlineData("", "topic")]
    [InlineData("has space", "topic")]
    [InlineData("tab\there", "topic")]
    public void ABadTopicIsRefusedNamingIt(string topic, string field)
    {
        var registry = Registry();
        Assert.Equal(field, Assert.Throws<ArgumentException>(() => registry.Register(topic, ["a"], TimeSpan.FromMinutes(1), null)).ParamName);
    }

    [Fact]
    public void BadAddressesAndTtlsAreRefusedNamingTheField()
    {
        var registry = Registry();
        Assert.Equal("addresses", Assert.Throws<ArgumentException>(() => registry.Register("t", [new string('a', 256)], TimeSpan.FromMinutes(1), null)).ParamName);
        Assert.Equal("addresses", Assert.Throws<ArgumentException>(() => registry.Register("t", [], TimeSpan.FromMinutes(1), null)).ParamName);
        Assert.Equal("addresses", Assert.Throws<ArgumentException>(() => registry.Register("t", ["a\nb"], TimeSpan.FromMinutes(1), null)).ParamName);
        Assert.Equal("ttl", Assert.Throws<ArgumentOutOfRangeException>(() => registry.Register("t", ["a"], TimeSpan.FromMinutes(21), null)).ParamName);
        Assert.Equal("ttl", Assert.Throws<ArgumentOutOfRangeException>(() => registry.Register("t", ["a"], TimeSpan.Zero, null)).ParamName);
        registry.Register("t", [new string('é', 127)], TimeSpan.FromMinutes(20), null); // 254 bytes of UTF-8, the longest ttl
    }

    [Fact]
    public void RemoveTakesOnlyTheAddressesGiven_AndListShowsWhatIsLeft()
    {
        var registry = Registry();
        registry.Register("chat", ["a", "b", "c"], TimeSpan.FromMinutes(1), owner: "127.0.0.1");
        Assert.Equal(2, registry.Remove("chat", ["a", "b", "zz"]));
        var topic = Assert.Single(registry.List());
        Assert.Equal(("chat", Hash("chat")), (topic.Topic, topic.Hash));
        var member = Assert.Single(topic.Members);
        Assert.Equal(("c", "127.0.0.1"), (member.Address, member.Owner));
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromMinutes(1), member.ExpiresAt);
    }

    [Fact]
    public async Task ALibraryJoin_IsRenewedUntilDisposed_ThenRemoved()
    {
        var registry = Registry();
        var registration = new TopicRegistration(registry, "chat", ["udp://me:1"], TimeSpan.FromSeconds(10), _time,
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        registry.Register("chat", ["udp://me:1"], TimeSpan.FromSeconds(10), owner: null);
        for (var i = 0; i < 10; i++)
            _time.Advance(TimeSpan.FromSeconds(5)); // 50 s: five ttls, renewed every half one
        Assert.Single(registry.Sample(Hash("chat"), 10, new RandomSource(1)));

        await registration.DisposeAsync();
        Assert.Empty(registry.Sample(Hash("chat"), 10, new RandomSource(1)));
        _time.Advance(TimeSpan.FromSeconds(30)); // no renewal after disposal
        Assert.Equal(0, registry.Count);
    }
}
