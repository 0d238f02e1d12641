using PeerNet.Tests.Deploy;

namespace PeerNet.Tests.Host;

/// <summary>The browser client's own unit tests (clients/js/test: frame codec, identity test vectors, SDP minimisation, the client as a node over in-memory links), run with Node's test runner.</summary>
public sealed class BrowserClientUnitTests
{
    [Fact]
    public async Task NodesTestRunner_PassesTheClientsUnitTests()
    {
        // Named one by one: how `node --test` reads a directory argument differs between Node versions.
        var files = Directory.GetFiles(DeployFiles.PathOf("clients", "js", "test"), "*.test.js").Order(StringComparer.Ordinal).ToList();
        Assert.True(files.Count >= 4, $"the client's unit tests are missing: {string.Join(", ", files)}");
        var (code, stdout, stderr) = await DeployFiles.RunAsync("node", "apt-get install nodejs (Node 20 or later)", ["--test", .. files]);
        Assert.True(code == 0, $"node --test failed ({code}):\n{stdout}\n{stderr}");
        Assert.Contains("# fail 0", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("# pass 0", stdout, StringComparison.Ordinal);
    }
}
