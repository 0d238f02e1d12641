using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Transport;

/// <summary>
/// wss:// end to end: Kestrel serves /peer over TLS with a configured certificate (a self-signed one the test makes),
/// and a node dials it when PeerNet:TrustedCertificates names that certificate; without it, or under a name the
/// certificate does not hold, the dial is refused.
/// </summary>
public sealed class WssTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ANodeTrustingTheCertificate_DialsWss_AndBothEndsHandshake()
    {
        var certificate = TestCertificate.Create(_dir, "seed");
        await using var seed = await TestNode.StartAsync(_dir.File("seed.db"), certificate.KestrelEndpoint());
        await using var dialler = await TestNode.StartAsync(_dir.File("dialler.db"), new Dictionary<string, string?>
        {
            ["PeerNet:TrustedCertificates:0"] = certificate.PemFile,
        });
        var address = $"wss://127.0.0.1:{HttpsPort(seed)}/peer";

        using var response = await dialler.Client.PostAsJsonAsync("/api/connections", new { address }, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(dialler.Node.Connections(), c => c.Address == address);
        await Wait.UntilAsync(() => seed.Node.Connections().Any(c => c.PeerId == dialler.Node.Id.ToString()), TimeSpan.FromSeconds(10), "the seed sees the wss peer");
    }

    [Fact]
    public async Task ANodeWithoutTheCertificate_IsRefused_WithTheReason()
    {
        var certificate = TestCertificate.Create(_dir, "seed");
        await using var seed = await TestNode.StartAsync(_dir.File("seed.db"), certificate.KestrelEndpoint());
        await using var dialler = await TestNode.StartAsync(_dir.File("dialler.db"));

        using var response = await dialler.Client.PostAsJsonAsync("/api/connections", new { address = $"wss://127.0.0.1:{HttpsPort(seed)}/peer" }, Ct);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var detail = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(detail.Contains("certificate", StringComparison.OrdinalIgnoreCase) || detail.Contains("SSL", StringComparison.Ordinal), detail);
        Assert.Empty(dialler.Node.Connections());
        Assert.Empty(seed.Node.Connections());
    }

    [Fact]
    public async Task TrustedCertificate_DoesNotExcuseANameItDoesNotHold()
    {
        // The certificate names 127.0.0.1 only; localhost reaches the same listener under another name.
        var certificate = TestCertificate.Create(_dir, "seed");
        await using var seed = await TestNode.StartAsync(_dir.File("seed.db"), certificate.KestrelEndpoint());
        var trust = PeerNet.Transport.TlsTrust.Load([certificate.PemFile]);
        using var socket = new ClientWebSocket();
        socket.Options.RemoteCertificateValidationCallback = trust.Validate;

        await socket.ConnectAsync(new Uri($"wss://127.0.0.1:{HttpsPort(seed)}/peer"), Ct);
        Assert.Equal(WebSocketState.Open, socket.State);

        using var misnamed = new ClientWebSocket();
        misnamed.Options.RemoteCertificateValidationCallback = trust.Validate;
        await Assert.ThrowsAnyAsync<WebSocketException>(() => misnamed.ConnectAsync(new Uri($"wss://localhost:{HttpsPort(seed)}/peer"), Ct));
    }

    [Fact]
    public async Task AnUnreadableTrustedCertificate_FailsTheStart_NamingTheKey()
    {
        var notACertificate = _dir.File("not-a-cert.pem");
        await File.WriteAllTextAsync(notACertificate, "hello", Ct);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TestNode.StartAsync(_dir.File("bad.db"), new Dictionary<string, string?>
        {
            ["PeerNet:TrustedCertificates:0"] = notACertificate,
            ["PeerNet:TrustedCertificates:1"] = _dir.File("missing.pem"),
        }));

        Assert.Contains("PeerNet:TrustedCertificates:0", error.Message);
        Assert.Contains("PeerNet:TrustedCertificates:1", error.Message);
    }

    private static int HttpsPort(TestNode node) =>
        node.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(a => new Uri(a)).Single(u => u.Scheme == Uri.UriSchemeHttps).Port;
}
