using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Host;

/// <summary>
/// Where a real host listens, with PeerNet:TcpPort set (the listeners are then added in code) and, for comparison,
/// without it (Kestrel on its own): the same, HTTP and tcp alike. Traffic goes to loopback addresses only; where
/// this machine has no IPv6 loopback (<see cref="Loopback.HasIPv6"/>), only 127.0.0.1 is asked.
/// </summary>
public sealed class KestrelListenTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("*", true)]
    [InlineData("+", true)]
    [InlineData("[::]", true)]
    [InlineData("*", false)]
    [InlineData("[::]", false)]
    public async Task EveryIpUrl_AnswersOnBothLoopbacks(string host, bool withTcp)
    {
        var tcpPort = withTcp ? FreePort.Next() : 0;
        await using var node = await StartAsync($"http://{host}:0", tcpPort); // the OS picks the HTTP port

        await AssertAnswersOnEveryLoopbackAsync(node.BaseAddress.Port);
        if (withTcp)
            await AssertAcceptsOnEveryLoopbackAsync(tcpPort);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task LocalhostUrl_AnswersOnBothLoopbacks(bool withTcp)
    {
        // Kestrel refuses localhost:0 (its two sockets would get two ports), so this port is picked beforehand.
        var httpPort = FreePort.Next();
        var tcpPort = withTcp ? FreePort.Next() : 0;
        await using var node = await StartAsync($"http://localhost:{httpPort}", tcpPort);

        await AssertAnswersOnEveryLoopbackAsync(httpPort);
        if (withTcp)
            await AssertAcceptsOnEveryLoopbackAsync(tcpPort);
    }

    [Fact]
    public async Task OneIpUrl_KeepsTcpOnThatIp()
    {
        var tcpPort = FreePort.Next();
        await using var node = await StartAsync("http://127.0.0.1:0", tcpPort);

        await AssertAcceptsAsync(IPAddress.Loopback, tcpPort);
        if (Loopback.HasIPv6)
            await Assert.ThrowsAsync<SocketException>(() => ConnectAsync(IPAddress.IPv6Loopback, tcpPort));
    }

    [Fact]
    public async Task KestrelEndpoints_StayKestrels_WithNoUrlAddedBesideThem()
    {
        var tcpPort = FreePort.Next();
        // A urls setting (127.0.0.1:0) is what Kestrel:Endpoints override.
        await using var node = await TestNode.StartAsync(_dir.File("endpoints.db"), new Dictionary<string, string?>
        {
            ["Kestrel:Endpoints:Web:Url"] = "http://127.0.0.1:0",
            ["PeerNet:TcpPort"] = tcpPort.ToString(),
        }, url: "http://127.0.0.1:0");

        var addresses = node.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        Assert.Equal(2, addresses.Count); // the endpoint and the tcp listener, on the endpoint's IP
        Assert.Contains($"http://127.0.0.1:{tcpPort}", addresses);
        await AssertAnswersAsync(new Uri(addresses.Single(a => a != $"http://127.0.0.1:{tcpPort}")));
    }

    private Task<TestNode> StartAsync(string url, int tcpPort) =>
        TestNode.StartAsync(_dir.File($"listen-{Guid.NewGuid():N}.db"),
            tcpPort == 0 ? null : new Dictionary<string, string?> { ["PeerNet:TcpPort"] = tcpPort.ToString() }, url: url);

    private static async Task AssertAnswersOnEveryLoopbackAsync(int port)
    {
        foreach (var ip in Loopback.Addresses)
            await AssertAnswersAsync(new UriBuilder(Uri.UriSchemeHttp, ip.ToString(), port).Uri);
    }

    private static async Task AssertAnswersAsync(Uri baseAddress)
    {
        using var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };
        using var response = await client.GetAsync("/healthz", TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{baseAddress} answered {(int)response.StatusCode}");
    }

    private static async Task AssertAcceptsOnEveryLoopbackAsync(int port)
    {
        foreach (var ip in Loopback.Addresses)
            await AssertAcceptsAsync(ip, port);
    }

    private static async Task AssertAcceptsAsync(IPAddress ip, int port)
    {
        var exception = await Record.ExceptionAsync(() => ConnectAsync(ip, port));
        Assert.True(exception is null, $"tcp {ip} port {port}: {exception?.Message}");
    }

    private static async Task ConnectAsync(IPAddress ip, int port)
    {
        using var client = new TcpClient(ip.AddressFamily);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        await client.ConnectAsync(ip, port, timeout.Token);
    }
}
