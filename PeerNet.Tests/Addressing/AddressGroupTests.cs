using System.Net;
using PeerNet.Addressing;

namespace PeerNet.Tests.Addressing;

public sealed class AddressGroupTests
{
    [Theory]
    [InlineData("ws://10.1.2.3:80/peer", "4|10.1")]
    [InlineData("ws://10.1.200.9:9000", "4|10.1")]
    [InlineData("tcp://[2001:db8:aa:bb::1]:9000", "6|2001:0db8")]
    [InlineData("ws://[::ffff:10.1.2.3]:80", "4|10.1")] // mapped IPv4 is IPv4
    [InlineData("ws://127.0.0.1:5000/peer", "L|127.0.0.1:5000")] // loopback: each port its own
    [InlineData("ws://[::1]:5000", "L|::1:5000")]
    [InlineData("ws://localhost:5001", "L|localhost:5001")]
    [InlineData("ws://node.example:5001/peer", "N|node.example")] // a name: its domain, whatever the port
    [InlineData("ws://a1.evil.example:5001/peer", "N|evil.example")] // a wildcard domain's names are one group
    [InlineData("ws://peernet-0.peernet.default.svc.cluster.local:8080/peer", "N|cluster.local")]
    [InlineData("ws://seed:8080/peer", "N|seed")]
    public void OfAnAddress(string address, string group) => Assert.Equal(group, AddressGroup.Of(PeerAddress.Parse(address)));

    [Theory]
    [InlineData("10.1.2.3", "4|10.1")]
    [InlineData("::ffff:10.1.2.3", "4|10.1")]
    [InlineData("2001:db8:aa:bb::1", "6|2001:0db8")]
    [InlineData("127.0.0.1", "L|127.0.0.1")] // each loopback source IP its own, so attacks can be tested on loopback
    [InlineData("127.0.0.2", "L|127.0.0.2")]
    [InlineData("::1", "L|::1")]
    public void OfASource(string ip, string group) => Assert.Equal(group, AddressGroup.OfSource(IPAddress.Parse(ip)));

    [Fact]
    public void AliasesOfOneEndpoint_ShareIt() =>
        Assert.Equal(
            AddressGroup.EndpointOf(PeerAddress.Parse("ws://10.1.2.3:80/a")),
            AddressGroup.EndpointOf(PeerAddress.Parse("wss://10.1.2.3:80/b?x=1")));
}
