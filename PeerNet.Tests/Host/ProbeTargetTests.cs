using Microsoft.Extensions.Configuration;
using PeerNet.Host.Hosting;

namespace PeerNet.Tests.Host;

/// <summary>
/// Which URL --healthcheck asks, from each setting Kestrel listens by, as configuration keys: ASPNETCORE_URLS and
/// --urls both arrive as <c>urls</c>, ASPNETCORE_HTTP_PORTS as <c>HTTP_PORTS</c>. ProbeProcessTests runs the same
/// sources through the real environment and command line.
/// </summary>
public sealed class ProbeTargetTests
{
    private static ProbeTarget Choose(params (string Key, string Value)[] settings) =>
        ProbeTarget.Choose(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)))
            .Build());

    private static string? Url(params (string Key, string Value)[] settings) => Choose(settings).Url?.ToString();

    [Fact]
    public void Nothing_IsKestrelsDefault() => Assert.Equal("http://localhost:5000/readyz", Url());

    [Theory]
    [InlineData("*")]
    [InlineData("+")]
    [InlineData("0.0.0.0")]
    [InlineData("[::]")]
    [InlineData("node.example.org")] // Kestrel listens on every IP for a host name
    public void Urls_WithAWildcardHost_AskIPv4Loopback(string host) =>
        Assert.Equal("http://127.0.0.1:8081/readyz", Url(("urls", $"http://{host}:8081")));

    [Theory]
    [InlineData("http://localhost:8081", "http://localhost:8081/readyz")]
    [InlineData("http://api.localhost:8081", "http://localhost:8081/readyz")]
    [InlineData("http://127.0.0.1:8081", "http://127.0.0.1:8081/readyz")]
    [InlineData("http://[::1]:8081", "http://[::1]:8081/readyz")]
    [InlineData("http://10.1.2.3:8081", "http://10.1.2.3:8081/readyz")] // the node listens there only
    public void Urls_WithOneHost_AskThatHost(string urls, string expected) => Assert.Equal(expected, Url(("urls", urls)));

    [Fact]
    public void Urls_PlainHttpIsPreferred_ThenTheFirst() =>
        Assert.Equal("http://127.0.0.1:8082/readyz", Url(("urls", "https://*:8443; http://+:8082;http://localhost:8083")));

    [Fact]
    public void Urls_HttpsOnly_AsksHttps() => Assert.Equal("https://127.0.0.1:8443/readyz", Url(("urls", "https://*:8443")));

    [Fact]
    public void HttpPorts_AreEveryIp() => Assert.Equal("http://127.0.0.1:8080/readyz", Url(("HTTP_PORTS", "8080;8090")));

    [Fact]
    public void HttpsPorts_AreUsedWithoutHttpPorts() => Assert.Equal("https://127.0.0.1:8443/readyz", Url(("HTTPS_PORTS", "8443")));

    [Fact]
    public void Urls_OverrideHttpPorts() =>
        Assert.Equal("http://127.0.0.1:9000/readyz", Url(("HTTP_PORTS", "8080"), ("urls", "http://*:9000")));

    [Fact]
    public void KestrelEndpoints_OverrideUrlsAndPorts() =>
        Assert.Equal("http://127.0.0.1:7000/readyz",
            Url(("HTTP_PORTS", "8080"), ("urls", "http://*:9000"), ("Kestrel:Endpoints:Web:Url", "http://0.0.0.0:7000")));

    [Fact]
    public void AnEmptyKestrelEndpointsSection_LeavesUrls() =>
        Assert.Equal("http://127.0.0.1:9000/readyz", Url(("urls", "http://*:9000"), ("Kestrel:Endpoints", "")));

    [Fact]
    public void PortZero_CannotBeProbed()
    {
        var target = Choose(("urls", "http://127.0.0.1:0"));
        Assert.Null(target.Url);
        Assert.Contains("port from the OS", target.Problem);
    }

    [Fact]
    public void UnixSocketsOnly_CannotBeProbed()
    {
        var target = Choose(("urls", "http://unix:/run/peernet.sock"));
        Assert.Null(target.Url);
        Assert.Contains("no TCP port", target.Problem);
    }
}
