using PeerNet.Addressing;
using YamlDotNet.RepresentationModel;

namespace PeerNet.Tests.Deploy;

/// <summary>
/// deploy/compose.yaml as docker-compose itself reads it (Debian's docker-compose 1.29, which .ci/run installs):
/// valid with nothing set, three nodes from one image that find each other by their service names, the REST API
/// published on loopback by default, one named volume per node at the image's /data, the image's own health check.
/// Nothing here needs a Docker engine: <c>docker-compose config</c> only reads the file.
/// </summary>
public sealed class ComposeFileTests
{
    private const string Tool = "docker-compose";
    private const string InstallHint =
        "run .ci/run, which installs it when missing, or install Debian's package yourself: apt-get install docker-compose";
    private static readonly string[] Variables = ["PEERNET_API_KEY", "PEERNET_BIND", "PEERNET_SEED_PORT", "PEERNET_NODE1_PORT", "PEERNET_NODE2_PORT"];

    [Fact]
    public async Task ConfigQuiet_Passes_WithNothingSet()
    {
        var (exitCode, _, stderr) = await ComposeAsync(["config", "-q"]);
        Assert.True(exitCode == 0, $"docker-compose config -q exited with {exitCode}: {stderr}");
        // An unset variable without a default is only a warning to docker-compose: here it is an error.
        Assert.DoesNotContain("is not set", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_IsThreeNodes_FromOneImage_JoiningTheSeed_ByTheirServiceNames()
    {
        var config = await ConfigAsync();
        var services = Mapping(config, "services");
        Assert.Equal(["node1", "node2", "seed"], services.Children.Keys.Select(k => k.ToString()).Order());
        var dockerfile = Dockerfile.Load();

        // One image: the one service that builds it names it, the others run it.
        var builders = services.Children.Where(s => ((YamlMappingNode)s.Value).Children.ContainsKey("build")).ToList();
        var build = (YamlMappingNode)Assert.Single(builders).Value["build"];
        Assert.Equal(DeployFiles.Root, Path.TrimEndingDirectorySeparator(Scalar(build, "context")));
        Assert.Equal("Dockerfile", Scalar(build, "dockerfile"));
        Assert.Single(services.Children.Values.Select(s => Scalar((YamlMappingNode)s, "image")).Distinct());

        // Each node advertises the address the others reach it by; the ones with seeds name a node that has none.
        var advertised = new Dictionary<string, string>();
        foreach (var (name, service) in Services(config))
        {
            var env = Mapping(service, "environment");
            var address = PeerAddress.Parse(Scalar(env, "PeerNet__Advertise__0"));
            Assert.Equal($"ws://{name}:{dockerfile.ExposedPort}/peer", address.Value);
            advertised[name] = address.Value;
        }
        var seeds = Services(config).ToDictionary(s => s.Name, s => SeedsOf(s.Service));
        var seedNodes = seeds.Where(s => s.Value.Count == 0).Select(s => s.Key).ToList();
        Assert.Equal(["seed"], seedNodes);
        foreach (var (name, list) in seeds.Where(s => s.Value.Count > 0))
        {
            Assert.Equal([advertised["seed"]], list);
            // Started after the seed (and, with docker-compose 1.x, after the image it builds exists).
            Assert.Contains("seed", Mapping(Mapping(services, name), "depends_on").Children.Keys.Select(k => k.ToString()));
        }
    }

    [Fact]
    public async Task Config_PublishesOnLoopback_KeepsOneVolumePerNode_AndProbesAsTheImageDoes()
    {
        var config = await ConfigAsync();
        var dockerfile = Dockerfile.Load();
        var declaredVolumes = Mapping(config, "volumes").Children.Keys.Select(k => k.ToString()).ToHashSet();
        var hostPorts = new List<string>();
        var usedVolumes = new List<string>();
        foreach (var (name, service) in Services(config))
        {
            // docker-compose 1.29 prints ports as HOST_IP:PUBLISHED:TARGET/PROTOCOL.
            var port = Assert.Single(Sequence(service, "ports").Select(p => p.ToString()));
            var parts = port.Split(':');
            Assert.True(parts.Length == 3, $"{name} publishes {port}, not HOST_IP:PORT:{dockerfile.ExposedPort}");
            Assert.Equal("127.0.0.1", parts[0]);
            Assert.Equal($"{dockerfile.ExposedPort}/tcp", parts[2]);
            hostPorts.Add(parts[1]);

            var volume = Assert.Single(Sequence(service, "volumes").Select(v => v.ToString()));
            var source = volume.Split(':')[0];
            Assert.Equal($"{source}:{dockerfile.Volume}:rw", volume);
            Assert.Contains(source, declaredVolumes); // a named volume of this project, not a host folder
            usedVolumes.Add(source);

            var test = Sequence(Mapping(service, "healthcheck"), "test").Select(t => t.ToString()).ToArray();
            Assert.Equal(["CMD", .. dockerfile.HealthCheckCommand], test);
            Assert.Equal("change-me", Scalar(Mapping(service, "environment"), "PeerNet__ApiKey"));
        }
        Assert.Equal(3, hostPorts.Distinct().Count());
        Assert.Equal(3, usedVolumes.Distinct().Count());
    }

    [Fact]
    public async Task Config_TakesTheKeyAndTheBindAddressFromTheEnvironment()
    {
        var config = await ConfigAsync(new Dictionary<string, string> { ["PEERNET_API_KEY"] = "a-key-of-my-own", ["PEERNET_BIND"] = "127.0.0.2" });
        foreach (var (name, service) in Services(config))
        {
            Assert.Equal("a-key-of-my-own", Scalar(Mapping(service, "environment"), "PeerNet__ApiKey"));
            Assert.StartsWith("127.0.0.2:", Assert.Single(Sequence(service, "ports")).ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Config_EnvironmentIsOneTheHostStartsWith()
    {
        var config = await ConfigAsync();
        foreach (var (name, service) in Services(config))
        {
            var settings = Mapping(service, "environment").Children
                .ToDictionary(e => e.Key.ToString().Replace("__", ":", StringComparison.Ordinal), e => (string?)e.Value.ToString());
            // Its seeds are saved, never dialled: the test host has bootstrap off.
            await HostSettings.AssertStartsAsync(name, settings);
        }
    }

    private static List<string> SeedsOf(YamlMappingNode service) =>
        Mapping(service, "environment").Children
            .Where(e => e.Key.ToString().StartsWith("PeerNet__Seeds__", StringComparison.Ordinal))
            .Select(e => PeerAddress.Parse(e.Value.ToString()).Value).ToList();

    private static IEnumerable<(string Name, YamlMappingNode Service)> Services(YamlMappingNode config) =>
        Mapping(config, "services").Children.Select(s => (s.Key.ToString(), (YamlMappingNode)s.Value));

    private static YamlMappingNode Mapping(YamlMappingNode node, string key) =>
        Assert.IsType<YamlMappingNode>(Child(node, key));

    private static IReadOnlyList<YamlNode> Sequence(YamlMappingNode node, string key) =>
        Assert.IsType<YamlSequenceNode>(Child(node, key)).Children.ToList();

    private static string Scalar(YamlMappingNode node, string key) =>
        Assert.IsType<YamlScalarNode>(Child(node, key)).Value!;

    private static YamlNode Child(YamlMappingNode node, string key)
    {
        Assert.True(node.Children.TryGetValue(key, out var child), $"'{key}' is missing from {string.Join(", ", node.Children.Keys)}");
        return child;
    }

    private static async Task<YamlMappingNode> ConfigAsync(IReadOnlyDictionary<string, string>? set = null)
    {
        var (exitCode, stdout, stderr) = await ComposeAsync(["config"], set);
        Assert.True(exitCode == 0, $"docker-compose config exited with {exitCode}: {stderr}");
        var yaml = new YamlStream();
        yaml.Load(new StringReader(stdout));
        return Assert.IsType<YamlMappingNode>(Assert.Single(yaml.Documents).RootNode);
    }

    // The file's own variables are unset first, so the defaults are what is read unless a test sets one.
    private static Task<(int ExitCode, string Stdout, string Stderr)> ComposeAsync(string[] args, IReadOnlyDictionary<string, string>? set = null) =>
        DeployFiles.RunAsync(Tool, InstallHint, ["-f", Path.Combine("deploy", "compose.yaml"), .. args], Variables, set);
}
