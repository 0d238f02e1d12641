using System.Net;
using PeerNet.Addressing;
using PeerNet.Gossip.Seeds;

namespace PeerNet.Tests.Gossip.Seeds;

/// <summary>What a configured seed names, and the address each resolved IP gives.</summary>
public sealed class SeedSpecTests
{
    [Theory]
    [InlineData("ws://127.0.0.1:5000/peer", SeedKind.Address, "ws://127.0.0.1:5000/peer")]
    [InlineData("ws://[::1]:5000/peer", SeedKind.Address, "ws://[::1]:5000/peer")]
    [InlineData("ws://localhost:5000/peer", SeedKind.Address, "ws://localhost:5000/peer")]
    [InlineData("tcp://node.localhost:9000", SeedKind.Address, "tcp://node.localhost:9000")]
    [InlineData("WS://PeerNet.Default.Svc:8080/peer", SeedKind.Host, "ws://peernet.default.svc:8080/peer")]
    [InlineData("wss://seed.example.org/peer", SeedKind.Host, "wss://seed.example.org/peer")]
    [InlineData("tcp://seed.example.org:9000", SeedKind.Host, "tcp://seed.example.org:9000")]
    [InlineData("srv+ws://_peernet._tcp.example.org/peer", SeedKind.Service, "srv+ws://_peernet._tcp.example.org/peer")]
    [InlineData("SRV+WSS://_PeerNet._tcp.Example.org/peer?x=1", SeedKind.Service, "srv+wss://_peernet._tcp.example.org/peer?x=1")]
    [InlineData("srv+tcp://_peernet._tcp.example.org", SeedKind.Service, "srv+tcp://_peernet._tcp.example.org")]
    public void ASeedIsAnAddress_ADnsName_OrAnSrvName(string text, SeedKind kind, string normalized)
    {
        var seed = SeedSpec.Parse(text);
        Assert.Equal((kind, normalized), (seed.Kind, seed.Text));
        Assert.Equal(kind != SeedKind.Service, seed.Address is not null);
    }

    [Fact]
    public void ACustomTransportsSeed_IsDialledAsWritten()
    {
        var schemes = new HashSet<string>(PeerAddress.BuiltInSchemes.Append("mem"), StringComparer.Ordinal);
        Assert.Equal(SeedKind.Address, SeedSpec.Parse("mem://seed.example:1", schemes).Kind);
        Assert.False(SeedSpec.TryParse("srv+mem://_peernet._tcp.example.org", schemes, out _, out var error));
        Assert.Contains("srv+ws://", error);
    }

    [Theory]
    [InlineData("srv+ws://_peernet._tcp.example.org:8080/peer", "port")]
    [InlineData("srv+ws://10.1.2.3/peer", "DNS name")]
    [InlineData("srv+ws://[::1]/peer", "port")]
    [InlineData("srv+ws://localhost/peer", "DNS name")]
    [InlineData("srv+ftp://_peernet._tcp.example.org", "srv+ws://")]
    [InlineData("srv+_peernet._tcp.example.org", "srv+ws://")]
    [InlineData("srv+ws://user@_peernet._tcp.example.org/peer", "user info")]
    [InlineData("srv+tcp://_peernet._tcp.example.org/peer", "no path")]
    [InlineData("srv+ws://_peernet._tcp.example.org/peer#x", "fragment")]
    [InlineData("ftp://seed.example.org", "scheme")]
    public void ABadSeed_SaysWhatIsWrong(string text, string expected)
    {
        Assert.False(SeedSpec.TryParse(text, PeerAddress.BuiltInSchemes, out _, out var error));
        Assert.Contains(expected, error, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("ws://peernet.default.svc:8080/peer", "10.1.2.3", 0, "ws://10.1.2.3:8080/peer")]
    [InlineData("ws://peernet.default.svc/peer?room=a", "10.1.2.3", 0, "ws://10.1.2.3/peer?room=a")]
    [InlineData("wss://seed.example.org/peer", "2001:db8::1", 0, "wss://[2001:db8::1]/peer")]
    [InlineData("tcp://seed.example.org:9000", "::ffff:10.1.2.3", 0, "tcp://10.1.2.3:9000")]
    [InlineData("srv+ws://_peernet._tcp.example.org/peer", "10.1.2.3", 8080, "ws://10.1.2.3:8080/peer")]
    [InlineData("srv+ws://_peernet._tcp.example.org/peer", "10.1.2.3", 80, "ws://10.1.2.3/peer")]
    [InlineData("srv+tcp://_peernet._tcp.example.org", "2001:db8::2", 9000, "tcp://[2001:db8::2]:9000")]
    public void EachResolvedIp_GivesTheSeedsAddressWithThatIp(string seed, string ip, int port, string expected)
    {
        var text = SeedSpec.Parse(seed).CandidateFor(IPAddress.Parse(ip), port);
        Assert.Equal(expected, PeerAddress.Parse(text).Value);
    }

    [Fact]
    public void AnIpv6ZoneId_IsDropped()
    {
        var ip = IPAddress.Parse("2001:db8::3%2");
        Assert.Equal("ws://[2001:db8::3]:8080/peer", SeedSpec.Parse("ws://seed.example.org:8080/peer").CandidateFor(ip));
    }
}
