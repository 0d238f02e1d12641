using System.Security.Cryptography;
using System.Text;
using PeerNet.Addressing;

namespace PeerNet.Tests.Addressing;

public class PeerAddressTests
{
    [Theory]
    [InlineData("ws://10.1.2.3:4000", "ws://10.1.2.3:4000")]
    [InlineData("ws://10.1.2.3:4000/", "ws://10.1.2.3:4000")]
    [InlineData("WS://Example.COM:80/", "ws://example.com")]
    [InlineData("ws://example.com/peer", "ws://example.com/peer")]
    [InlineData("wss://example.com:443/peer", "wss://example.com/peer")]
    [InlineData("wss://example.com:8443/peer", "wss://example.com:8443/peer")]
    [InlineData("ws://h:8080/a/../peer", "ws://h:8080/peer")]
    [InlineData("ws://h:8080/%7Epeer", "ws://h:8080/~peer")]
    [InlineData("ws://h:8080/peer?room=1", "ws://h:8080/peer?room=1")]
    [InlineData("tcp://1.2.3.4:9000", "tcp://1.2.3.4:9000")]
    [InlineData("tcp://Node.Local:9000/", "tcp://node.local:9000")]
    [InlineData("ws://[0:0::1]:8080/peer", "ws://[::1]:8080/peer")]
    [InlineData("wss://bücher.de/peer", "wss://xn--bcher-kva.de/peer")]
    [InlineData("ws://127.1:80", "ws://127.0.0.1")]
    public void Parse_NormalizesEquivalentForms(string text, string expected)
    {
        Assert.Equal(expected, PeerAddress.Parse(text).Value);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("http://h:80/", "scheme 'http'")]
    [InlineData("ftp://h/", "scheme 'ftp'")]
    [InlineData("h:8080", "not an absolute URL")]
    [InlineData("/peer", "not an absolute URL")]
    [InlineData("ws:///peer", "not an absolute URL")]
    [InlineData("tcp://h", "need a port")]
    [InlineData("tcp://h:9000/path", "no path or query")]
    [InlineData("tcp://h:9000?x=1", "no path or query")]
    [InlineData("ws://user:pw@h:80/", "user info")]
    [InlineData("ws://h:80/#frag", "fragments")]
    [InlineData("ws://h:0/", "port must be")]
    [InlineData("ws://h:99999/", "not an absolute URL")]
    [InlineData("ws://h :80/", "white space")]
    [InlineData("ws://h:80/\npeer", "white space")]
    public void TryParse_RejectsWithReason(string text, string reasonPart)
    {
        Assert.False(PeerAddress.TryParse(text, out var address, out var error));
        Assert.Null(address);
        Assert.Contains(reasonPart, error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void TryParse_Null_IsRejected()
    {
        Assert.False(PeerAddress.TryParse(null, out _, out var error));
        Assert.Contains("empty", error);
    }

    [Fact]
    public void Parse_AcceptsExactly255Characters_RejectsLonger()
    {
        var prefix = "ws://h:1/";
        var at255 = prefix + new string('a', PeerAddress.MaxLength - prefix.Length);
        Assert.Equal(255, PeerAddress.Parse(at255).Value.Length);

        Assert.False(PeerAddress.TryParse(at255 + "a", out _, out var error));
        Assert.Contains("255", error);
    }

    [Fact]
    public void Parse_RejectsWhenNormalizedFormGrowsPast255()
    {
        // Each distinct CJK character becomes several punycode characters: the input fits, its normalized form does not.
        var host = string.Join(".", Enumerable.Range(0, 6).Select(l =>
            new string(Enumerable.Range(0, 12).Select(i => (char)(0x4E00 + l * 97 + i * 13)).ToArray()))) + ".cn";
        var text = "ws://" + host + "/" + new string('p', 100);
        Assert.True(text.Length <= 255);
        Assert.False(PeerAddress.TryParse(text, out _, out var error));
        Assert.Contains("normalized", error);
    }

    [Fact]
    public void Parse_RejectsAnInternationalHostThatHasNoPunycodeForm()
    {
        // Nine labels whose punycode passes the 253-character limit of a domain name.
        var host = string.Join(".", Enumerable.Range(0, 9).Select(l =>
            new string(Enumerable.Range(0, 12).Select(i => (char)(0x4E00 + l * 97 + i * 13)).ToArray())));
        Assert.False(PeerAddress.TryParse($"ws://{host}.cn", out _, out var error));
        Assert.Contains("international", error);
    }

    [Fact]
    public void Key_IsLowercaseHexSha512OfTheNormalizedAddress()
    {
        var address = PeerAddress.Parse("WS://Example.com:80/peer");
        var expected = Convert.ToHexStringLower(SHA512.HashData(Encoding.UTF8.GetBytes("ws://example.com/peer")));
        Assert.Equal(expected, address.Key);
        Assert.Equal(128, address.Key.Length);
    }

    [Fact]
    public void RingPosition_OrdersAddressesExactlyAsTheirHexKeys()
    {
        var addresses = Enumerable.Range(0, 500).Select(i => PeerAddress.Parse($"ws://n{i}.example:{1000 + i}/peer")).ToList();
        Assert.Equal(
            addresses.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => a.Value),
            addresses.OrderBy(a => a.RingPosition).Select(a => a.Value));
        Assert.All(addresses, a => Assert.Equal(a.Key[..16], PeerAddress.RingToKeyPrefix(a.RingPosition)));
        Assert.All(addresses, a => Assert.Equal(a.RingPosition, PeerAddress.RingFromKeyPrefix(a.Key)));
    }

    [Fact]
    public void SameEndpointWrittenTwoWays_IsEqualWithEqualKeys()
    {
        var a = PeerAddress.Parse("ws://EXAMPLE.com:80/");
        var b = PeerAddress.Parse("ws://example.com");
        Assert.Equal(a, b);
        Assert.Equal(a.Key, b.Key);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    [Fact]
    public void Parse_Invalid_ThrowsFormatExceptionNamingTheAddress()
    {
        var ex = Assert.Throws<FormatException>(() => PeerAddress.Parse("ftp://x"));
        Assert.Contains("ftp://x", ex.Message);
    }

    [Fact]
    public void ParseAll_ReportsEveryInvalidAddressWithItsIndex()
    {
        var ex = Assert.Throws<InvalidPeerAddressException>(() =>
            PeerAddressBatch.ParseAll(["ws://ok:1", "bad", "ws://ok:2", "tcp://noport"]));
        Assert.Equal([1, 3], ex.Errors.Select(e => e.Index));
        Assert.Equal("bad", ex.Errors[0].Address);
    }
}
