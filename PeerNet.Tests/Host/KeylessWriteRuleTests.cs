using System.Net;
using PeerNet.Host.Security;

namespace PeerNet.Tests.Host;

/// <summary>The rule for writes on a node without an API key, as a table.</summary>
public sealed class KeylessWriteRuleTests
{
    [Theory]
    [InlineData("localhost", true)]
    [InlineData("LocalHost:5000", true)]
    [InlineData("127.0.0.1:5000", true)]
    [InlineData("127.8.9.10", true)]
    [InlineData("[::1]:5000", true)]
    [InlineData("[::1]", true)]
    [InlineData("[::ffff:127.0.0.1]:80", true)]
    [InlineData("localhost.", false)] // a resolver may send a trailing-dot name elsewhere
    [InlineData("app.localhost", false)]
    [InlineData("evil.example:5000", false)]
    [InlineData("localhost.evil.example", false)]
    [InlineData("127.0.0.1.nip.io", false)]
    [InlineData("10.0.0.1", false)]
    [InlineData("[fe80::1]", false)]
    [InlineData("::1", true)] // unbracketed, as HostString reads it: still a literal, not a name
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsLoopbackHost_TakesLocalhostAndLoopbackLiteralsOnly(string? host, bool expected) =>
        Assert.Equal(expected, KeylessWriteRule.IsLoopbackHost(host));

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1:5000", null, null, "Allowed")] // curl, a sidecar
    [InlineData("::1", "localhost:5000", null, null, "Allowed")]
    [InlineData("127.0.0.1", "localhost:5000", "http://localhost:5000", "same-origin", "Allowed")] // the dashboard
    [InlineData("127.0.0.1", "localhost:5000", null, "none", "Allowed")] // typed into the address bar
    [InlineData("10.1.2.3", "localhost:5000", null, null, "NotLoopback")]
    [InlineData(null, "localhost:5000", null, null, "NotLoopback")]
    [InlineData("127.0.0.1", "evil.example:5000", null, null, "ForeignHost")] // DNS rebinding
    [InlineData("127.0.0.1", "localhost:5000", "http://evil.example", "cross-site", "CrossSite")]
    [InlineData("127.0.0.1", "localhost:5000", "http://evil.example", null, "CrossSite")] // no Fetch Metadata
    [InlineData("127.0.0.1", "localhost:5000", null, "cross-site", "CrossSite")] // GET from <img>: no Origin
    [InlineData("127.0.0.1", "localhost:5000", "http://localhost:3000", "same-site", "CrossSite")] // another local app
    [InlineData("127.0.0.1", "localhost:5000", "null", null, "CrossSite")] // a sandboxed frame
    public void Check_NamesWhyAKeylessWriteIsRefused(string? remote, string host, string? origin, string? fetchSite, string expected) =>
        Assert.Equal(expected, KeylessWriteRule.Check(remote is null ? null : IPAddress.Parse(remote), host, origin, fetchSite).ToString());

    [Fact]
    public void AProxiedRequest_IsRefused_EvenWithALoopbackHost() =>
        Assert.Equal(KeylessVerdict.Proxied, KeylessWriteRule.Check(IPAddress.Loopback, "127.0.0.1:5000", null, null, proxied: true));
}
