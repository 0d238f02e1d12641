using System.Net;
using PeerNet.Addressing;

namespace PeerNet.Tests.Addressing;

public sealed class SourcePrefixTests
{
    [Theory]
    [InlineData("203.0.113.7", 24, "203.0.113.0/24")]
    [InlineData("203.0.113.7", 16, "203.0.0.0/16")]
    [InlineData("203.0.113.7", 20, "203.0.112.0/20")]
    [InlineData("::ffff:203.0.113.7", 24, "203.0.113.0/24")] // IPv4-mapped counts as IPv4
    [InlineData("127.0.0.5", 24, "127.0.0.5/32")] // each loopback address is its own prefix
    [InlineData("127.0.0.5", 16, "127.0.0.5/32")]
    public void IPv4_GroupsByItsBits(string ip, int bits, string expected) =>
        Assert.Equal(expected, SourcePrefix.Group(IPAddress.Parse(ip), bits, 64).ToString());

    [Theory]
    [InlineData("2001:db8:1:2:3:4:5:6", 64, "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2:3:4:5:6", 48, "2001:db8:1::/48")]
    [InlineData("2001:db8:1:2:3:4:5:6", 32, "2001:db8::/32")]
    [InlineData("fe80::1%3", 64, "fe80::/64")]
    [InlineData("::1", 64, "::1/128")]
    public void IPv6_GroupsByItsBits(string ip, int bits, string expected) =>
        Assert.Equal(expected, SourcePrefix.Group(IPAddress.Parse(ip), 24, bits).ToString());

    [Fact]
    public void AddressesOfOnePrefix_AreEqualKeys_OthersAreNot()
    {
        var a = SourcePrefix.Group(IPAddress.Parse("198.51.100.1"), 24, 64);
        Assert.Equal(a, SourcePrefix.Group(IPAddress.Parse("198.51.100.200"), 24, 64));
        Assert.Equal(a.GetHashCode(), SourcePrefix.Group(IPAddress.Parse("::ffff:198.51.100.9"), 24, 64).GetHashCode());
        Assert.NotEqual(a, SourcePrefix.Group(IPAddress.Parse("198.51.101.1"), 24, 64));
        Assert.NotEqual(SourcePrefix.Group(IPAddress.Parse("127.0.0.1"), 24, 64), SourcePrefix.Group(IPAddress.Parse("127.0.0.2"), 24, 64));
        Assert.True(SourcePrefix.Group(IPAddress.Parse("127.0.0.2"), 24, 64).IsLoopback);
        Assert.False(a.IsLoopback);
        Assert.True(a.IsIPv4);
    }

    [Fact]
    public void BitsOutsideTheFamilysWidth_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SourcePrefix.Group(IPAddress.Loopback, 33, 64));
        Assert.Throws<ArgumentOutOfRangeException>(() => SourcePrefix.Group(IPAddress.Loopback, 24, 129));
    }
}
