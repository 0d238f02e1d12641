using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Host;

/// <summary>
/// A client that asks for an event stream only (<c>Accept: text/event-stream</c>, as EventSource and curl scripts
/// do) and is refused gets the refusal's status and problem details, not a 500 (the problem-details writer refuses
/// to write JSON to such a client, and authentication and rate limiting wrote through it).
/// </summary>
public sealed class EventStreamRefusalTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static HttpRequestMessage StreamRequest(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        return request;
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task TheRequestStreamWithoutTheKey_Is401_NotA500()
    {
        await using var host = await TestNode.StartAsync(_dir.File("a.db"), new Dictionary<string, string?> { ["PeerNet:ApiKey"] = "stream-key-0123456789" });

        using var response = await host.Client.SendAsync(StreamRequest("/api/requests"), HttpCompletionOption.ResponseHeadersRead, Ct);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task AStreamOverTheLimit_Is429_NotA500()
    {
        await using var host = await TestNode.StartAsync(_dir.File("b.db"), new Dictionary<string, string?> { ["RateLimits:StreamsPerClient"] = "1" });
        using var first = await host.Client.SendAsync(StreamRequest("/api/requests"), HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        using var second = await host.Client.SendAsync(StreamRequest("/api/requests"), HttpCompletionOption.ResponseHeadersRead, Ct);

        await AssertProblemAsync(second, HttpStatusCode.TooManyRequests);
    }
}
