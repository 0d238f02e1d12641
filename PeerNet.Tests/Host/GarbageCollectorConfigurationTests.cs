using System.Text.Json;

namespace PeerNet.Tests.Host;

/// <summary>
/// The collector the host runs with (its runtimeconfig, which the container image and <c>dotnet PeerNet.Host.dll</c>
/// both read): workstation GC that conserves memory, chosen for a seed node's many idle peers, and the same in the
/// bench that measures a connection's cost.
/// </summary>
public sealed class GarbageCollectorConfigurationTests
{
    [Theory]
    [InlineData("PeerNet.Host.runtimeconfig.json")]
    [InlineData("PeerNet.Bench.runtimeconfig.json")]
    public void RunsWorkstationGc_ConservingMemory(string file)
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, file)));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.False(properties.GetProperty("System.GC.Server").GetBoolean());
        Assert.Equal(9, properties.GetProperty("System.GC.ConserveMemory").GetInt32());
    }

    [Fact]
    public void TheHostKeepsBackgroundCollection()
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "PeerNet.Host.runtimeconfig.json")));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.True(properties.GetProperty("System.GC.Concurrent").GetBoolean());
    }
}
