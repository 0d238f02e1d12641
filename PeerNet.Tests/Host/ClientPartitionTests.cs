using System.Net;
using PeerNet.Host.RateLimiting;

namespace PeerNet.Tests.Host;

/// <summary>Which rate-limit partition a client falls in: bounded, and an IPv6 /64 counts once.</summary>
public sealed class ClientPartitionTests
{
    [Fact]
    public void EveryAddress_FallsInOneOfTheConfiguredPartitions()
    {
        var random = new Random(7);
        var seen = new HashSet<int>();
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = new byte[i % 2 == 0 ? 4 : 16];
            random.NextBytes(bytes);
            if (IPAddress.IsLoopback(new IPAddress(bytes)))
                continue; // loopback has partitions of its own (below)
            var partition = ClientPartition.Of(new IPAddress(bytes), 64);
            Assert.InRange(partition, 0, 63);
            seen.Add(partition);
        }
        Assert.Equal(64, seen.Count); // an attacker with many addresses fills these 64 and no more
    }

    [Fact]
    public void AnIPv6Slash64_IsOneClient_AndMappedIPv4_IsTheIPv4Client()
    {
        Assert.Equal(ClientPartition.Of(IPAddress.Parse("2001:db8:1:2::1"), 1 << 20), ClientPartition.Of(IPAddress.Parse("2001:db8:1:2:ffff:ffff:ffff:ffff"), 1 << 20));
        Assert.Equal(ClientPartition.Of(IPAddress.Parse("192.0.2.7"), 1 << 20), ClientPartition.Of(IPAddress.Parse("::ffff:192.0.2.7"), 1 << 20));
        Assert.Equal(ClientPartition.Unknown, ClientPartition.Of(null, 16));
    }

    [Fact]
    public void Loopback_NeverSharesAPartitionWithARemoteClient()
    {
        var remote = Enumerable.Range(0, 20_000).Select(i => ClientPartition.Of(new IPAddress(BitConverter.GetBytes(i * 7919 + 0x0A000000)), 64)).ToHashSet();
        var local = new[] { "127.0.0.1", "127.0.0.2", "127.1.2.3", "::1" }.Select(a => ClientPartition.Of(IPAddress.Parse(a), 64)).ToList();
        Assert.Empty(local.Intersect(remote));
        Assert.Equal(local.Count, local.Distinct().Count()); // the tests' other clients on 127.0.0.x stay apart
        Assert.All(local, p => Assert.InRange(p, 64, 64 + ClientPartition.LoopbackPartitions - 1));
    }
}
