using PeerNet.Addressing;
using PeerNet.Gossip;

namespace PeerNet.Tests.Gossip;

public sealed class AddressScopeTests
{
    [Theory]
    [InlineData("ws://169.254.10.1:8080/peer", "link-local")]
    [InlineData("ws://[fe80::1]:8080/peer", "link-local")]
    [InlineData("ws://224.0.0.1:8080/peer", "multicast")]
    [InlineData("ws://[ff02::1]:8080/peer", "multicast")]
    [InlineData("ws://0.0.0.0:8080/peer", "unspecified")]
    [InlineData("ws://[::]:8080/peer", "unspecified")]
    [InlineData("tcp://255.255.255.255:9000", "broadcast")]
    [InlineData("ws://[::ffff:169.254.1.1]:8080/peer", "link-local")]
    public void NeverLearned(string address, string reason)
    {
        var refusal = new AddressScope(allowLoopback: true).Refusal(PeerAddress.Parse(address));
        Assert.NotNull(refusal);
        Assert.Contains(reason, refusal);
    }

    [Theory]
    [InlineData("ws://10.1.2.3:8080/peer")]
    [InlineData("ws://192.168.1.20/peer")]
    [InlineData("wss://172.16.0.9/peer")]
    [InlineData("ws://[fd00::5]:8080/peer")]
    [InlineData("wss://seed.example.org/peer")]
    [InlineData("tcp://8.8.8.8:9000")]
    public void PrivateAndPublicAddressesAreLearned(string address) =>
        Assert.Null(new AddressScope(allowLoopback: false).Refusal(PeerAddress.Parse(address)));

    [Theory]
    [InlineData("ws://127.0.0.1:8080/peer")]
    [InlineData("ws://127.8.9.10:8080/peer")]
    [InlineData("ws://[::1]:8080/peer")]
    [InlineData("ws://localhost:8080/peer")]
    [InlineData("ws://node.localhost:8080/peer")]
    public void LoopbackOnlyOnALocalNetwork(string address)
    {
        var parsed = PeerAddress.Parse(address);
        Assert.Contains("loopback", new AddressScope(allowLoopback: false).Refusal(parsed));
        Assert.Null(new AddressScope(allowLoopback: true).Refusal(parsed));
    }

    [Fact]
    public void ANodeAdvertisingALoopbackAddressLearnsLoopback()
    {
        Assert.True(AddressScope.For([PeerAddress.Parse("ws://127.0.0.1:5000/peer")]).AllowsLoopback);
        Assert.False(AddressScope.For([PeerAddress.Parse("ws://10.0.0.1:5000/peer")]).AllowsLoopback);
        Assert.False(AddressScope.For([]).AllowsLoopback);
    }

    [Theory]
    [InlineData("ws://169.254.169.254/latest/meta-data/", "link-local")]
    [InlineData("ws://[fd00:ec2::254]/latest/", "metadata")]
    [InlineData("ws://100.100.100.200/latest/", "metadata")]
    [InlineData("ws://[64:ff9b::a9fe:a9fe]/latest/", "link-local")] // NAT64 of 169.254.169.254
    [InlineData("ws://[::ffff:100.100.100.200]/", "metadata")]
    public void MetadataAndLinkLocal_AreRefusedEvenWhenPrivateRangesAreAllowed(string address, string reason)
    {
        var refusal = new AddressScope(allowLoopback: true, refusePrivate: false).Refusal(PeerAddress.Parse(address));
        Assert.NotNull(refusal);
        Assert.Contains(reason, refusal);
    }

    [Theory]
    [InlineData("ws://10.0.0.5:8080/admin/do?x=1")]
    [InlineData("tcp://10.0.0.5:6379")]
    [InlineData("ws://172.31.255.1/peer")]
    [InlineData("ws://192.168.0.1/peer")]
    [InlineData("ws://100.64.0.1/peer")] // CGNAT
    [InlineData("ws://100.127.255.254/peer")]
    [InlineData("ws://[fd12:3456::1]/peer")] // ULA
    [InlineData("ws://[fc00::1]/peer")]
    [InlineData("ws://[64:ff9b::a00:5]/peer")] // NAT64 of 10.0.0.5
    public void PrivateRanges_AreRefusedOnlyWhenTheScopeRefusesThem(string address)
    {
        var parsed = PeerAddress.Parse(address);
        Assert.Contains("private", new AddressScope(allowLoopback: false, refusePrivate: true).Refusal(parsed));
        Assert.Null(new AddressScope(allowLoopback: false, refusePrivate: false).Refusal(parsed));
    }

    [Theory]
    [InlineData("ws://100.63.255.255/peer")] // just below CGNAT
    [InlineData("ws://100.128.0.1/peer")] // just above
    [InlineData("ws://172.32.0.1/peer")]
    [InlineData("ws://[2001:db8::1]/peer")]
    [InlineData("ws://[64:ff9b::808:808]/peer")] // NAT64 of 8.8.8.8
    public void GlobalAddresses_PassAPublicNodesScope(string address) =>
        Assert.Null(new AddressScope(allowLoopback: false, refusePrivate: true).Refusal(PeerAddress.Parse(address)));

    [Fact]
    public void TrailingDotLocalhost_IsLoopback()
    {
        var parsed = PeerAddress.Parse("ws://localhost.:8080/peer");
        Assert.True(AddressScope.IsLoopback(parsed));
        Assert.Contains("loopback", new AddressScope(allowLoopback: false).Refusal(parsed));
    }

    [Theory]
    [InlineData(PrivateAddressPolicy.Auto, "ws://203.0.113.10:8080/peer", true)] // a public node
    [InlineData(PrivateAddressPolicy.Auto, "ws://10.0.0.2:8080/peer", false)] // a private fleet
    [InlineData(PrivateAddressPolicy.Auto, "ws://127.0.0.1:8080/peer", false)]
    [InlineData(PrivateAddressPolicy.Auto, "ws://node.example.org/peer", false)] // a name: DialScope resolves it
    [InlineData(PrivateAddressPolicy.Refuse, "ws://10.0.0.2:8080/peer", true)]
    [InlineData(PrivateAddressPolicy.Allow, "ws://203.0.113.10:8080/peer", false)]
    public void ThePrivatePolicy_FollowsTheOptionAndTheAdvertisedAddresses(PrivateAddressPolicy policy, string advertised, bool refuses) =>
        Assert.Equal(refuses, AddressScope.For([PeerAddress.Parse(advertised)], policy).RefusesPrivate);

    [Fact]
    public void Auto_RefusesPrivateWhenAnAdvertisedNameResolvesGlobal()
    {
        Assert.True(AddressScope.For([PeerAddress.Parse("ws://node.example.org/peer")], PrivateAddressPolicy.Auto, advertisesGlobalName: true).RefusesPrivate);
        Assert.True(AddressScope.IsGlobal(System.Net.IPAddress.Parse("203.0.113.10")));
        Assert.False(AddressScope.IsGlobal(System.Net.IPAddress.Parse("100.64.1.1")));
        Assert.False(AddressScope.IsGlobal(System.Net.IPAddress.Parse("fd00::1")));
        Assert.False(AddressScope.IsGlobal(System.Net.IPAddress.Parse("::1")));
    }
}
