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
}
