using System.Net;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Deploy;

/// <summary>Settings a deployment gives the node, tried on a real host on 127.0.0.1 (bootstrap off: nothing is dialled).</summary>
internal static class HostSettings
{
    /// <summary>Starts a host with <paramref name="settings"/> (configuration keys) and asks its /readyz.</summary>
    public static async Task AssertStartsAsync(string who, IReadOnlyDictionary<string, string?> settings)
    {
        Assert.DoesNotContain("PeerNet:Bootstrap", settings.Keys);
        using var dir = new TempDirectory();
        TestNode node;
        try
        {
            node = await TestNode.StartAsync(dir.File("deploy.db"), settings);
        }
        catch (Exception ex)
        {
            Assert.Fail($"The host does not start with {who}'s settings ({string.Join(", ", settings.Keys)}): {ex.Message}");
            throw;
        }
        await using (node)
        {
            using var response = await node.Client.GetAsync("/readyz", TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }
}
