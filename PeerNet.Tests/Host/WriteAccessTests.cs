using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PeerNet.Host.Security;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Host;

/// <summary>Writes need the API key when one is set, else a loopback client.</summary>
public sealed class WriteAccessTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static HttpRequestMessage Save(string? key = null, string address = "ws://a.example:1")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/nodes") { Content = JsonContent.Create(new { addresses = new[] { address } }) };
        if (key is not null)
            request.Headers.Add("X-Api-Key", key);
        return request;
    }

    private static HttpRequestMessage Delete(string? key = null) =>
        new(HttpMethod.Delete, "/api/nodes") { Content = JsonContent.Create(new { addresses = new[] { "ws://a.example:1" } }) };

    [Fact]
    public async Task WithAKey_AWriteWithoutIt_Is401_AndWithIt_Is200()
    {
        await using var node = await TestNode.StartAsync(_dir.File("k.db"), new Dictionary<string, string?> { ["PeerNet:ApiKey"] = "s3cret-key" });

        var without = await node.Client.SendAsync(Save(), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, without.StatusCode);
        Assert.Equal("application/problem+json", without.Content.Headers.ContentType?.MediaType);
        Assert.Contains("X-Api-Key", (await without.Content.ReadFromJsonAsync<JsonElement>(cancellationToken: TestContext.Current.CancellationToken)).GetProperty("detail").GetString());

        var wrong = await node.Client.SendAsync(Save("s3cret-kez"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("does not match", (await wrong.Content.ReadFromJsonAsync<JsonElement>(cancellationToken: TestContext.Current.CancellationToken)).GetProperty("detail").GetString());

        Assert.Equal(HttpStatusCode.Unauthorized, (await node.Client.SendAsync(Delete(), TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(0, node.Node.KnownCount);

        Assert.Equal(HttpStatusCode.OK, (await node.Client.SendAsync(Save("s3cret-key"), TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(1, node.Node.KnownCount);
    }

    [Fact]
    public async Task WithAKey_ReadsStayOpen()
    {
        await using var node = await TestNode.StartAsync(_dir.File("r.db"), new Dictionary<string, string?> { ["PeerNet:ApiKey"] = "s3cret-key" });
        Assert.Equal(HttpStatusCode.OK, (await node.Client.GetAsync("/api/nodes", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await node.Client.GetAsync("/api/node", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task WithoutAKey_LoopbackClientsMayWrite()
    {
        await using var node = await TestNode.StartAsync(_dir.File("l.db"));
        Assert.Equal(HttpStatusCode.OK, (await node.Client.SendAsync(Save(), TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await node.Client.SendAsync(Delete(), TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task WithoutAKey_NonLoopbackClientsMayNot()
    {
        // TestServer requests carry no remote address: they are not from loopback.
        await using var factory = new ApiFactory(new Dictionary<string, string?> { ["PeerNet:ApiKey"] = null });
        var response = await factory.CreateClient().SendAsync(Save(), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("loopback", (await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken: TestContext.Current.CancellationToken)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task WithAKey_AForeignHost_IsJudgedByTheKeyAlone()
    {
        await using var node = await TestNode.StartAsync(_dir.File("h.db"), new Dictionary<string, string?> { ["PeerNet:ApiKey"] = "s3cret-key" });
        var withKey = Save("s3cret-key");
        withKey.Headers.Host = "peernet.example.org";
        Assert.Equal(HttpStatusCode.OK, (await node.Client.SendAsync(withKey, TestContext.Current.CancellationToken)).StatusCode);
        var without = Save();
        without.Headers.Host = "peernet.example.org";
        Assert.Equal(HttpStatusCode.Unauthorized, (await node.Client.SendAsync(without, TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task TheRequestStream_NeedsWriteAccess()
    {
        // Anyone could take the subscriber slots and read every request and reply handle (threat M4).
        await using var factory = new ApiFactory();
        using var anonymous = await factory.CreateClient().GetAsync("/api/requests", HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using var writer = await factory.CreateWriter().GetAsync("/api/requests", HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, writer.StatusCode);
        Assert.Equal("text/event-stream", writer.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.8.9.10", true)]
    [InlineData("::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("10.0.0.1", false)]
    [InlineData("172.17.0.1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("fe80::1", false)]
    public void Loopback_IsRecognizedInEveryForm(string address, bool loopback)
    {
        Assert.Equal(loopback, WriteAccessHandler.IsLoopback(IPAddress.Parse(address)));
    }
}
