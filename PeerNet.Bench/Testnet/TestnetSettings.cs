using System.Globalization;

namespace PeerNet.Bench.Testnet;

/// <summary>The options of <c>testnet</c>, and the node configuration they make.</summary>
internal sealed record TestnetSettings(
    int Nodes, double Kill, bool Attack, string HostDll, int Connections, int Interval, int Seed, double TimeoutSeconds,
    int AttackSessions, int AttackStuck, int Announces, int Known, int FeelerInterval, int RotateInterval)
{
    /// <summary>
    /// The node defaults' ratios of feeler and rotation periods to Interval (120 s and 600 s to 5 s): the testnet
    /// runs a network's clock faster by shortening Interval, and its healing keeps pace.
    /// </summary>
    private const int FeelerIntervals = 24, RotateIntervals = 120;

    public static TestnetSettings Parse(BenchArgs args)
    {
        var nodes = args.Int("nodes", 30);
        if (nodes < 6)
            throw new ArgumentException("--nodes must be at least 6");
        var kill = args.Double("kill", 0.5);
        if (kill is < 0 or > 1)
            throw new ArgumentException("--kill is a fraction from 0 to 1");
        var host = args.Text("host") ?? LocateHost();
        if (!File.Exists(host))
            throw new ArgumentException($"no PeerNet.Host.dll at {host}: build the solution, or give --host PATH");
        var interval = args.Int("interval", 500);
        return new TestnetSettings(
            nodes, kill, args.Flag("attack"), Path.GetFullPath(host),
            Connections: args.Int("connections", 5),
            Interval: interval,
            Seed: args.Int("seed", Random.Shared.Next()),
            TimeoutSeconds: args.Double("timeout", 120),
            AttackSessions: args.Int("attack-sessions", 8),
            AttackStuck: args.Int("attack-stuck", 4),
            Announces: args.Int("announces", 10),
            Known: args.Int("known", 3),
            FeelerInterval: args.Int("feeler-interval", FeelerIntervals * interval),
            RotateInterval: args.Int("rotate-interval", RotateIntervals * interval));
    }

    /// <summary>round(Kill x Nodes), leaving at least two survivors (coverage needs an announcer and a listener).</summary>
    public int KillCount => Math.Min(Nodes - 2, (int)Math.Round(Kill * Nodes, MidpointRounding.AwayFromZero));

    /// <summary>
    /// Every node's configuration: the defaults of a node in the open except the short interval (node exchange,
    /// and bootstrap's round) with feelers and rotation scaled alike, and Connections; no dashboard (its sampler would load the machine for nothing); quiet logs.
    /// </summary>
    public IReadOnlyDictionary<string, string> NodeConfiguration => new Dictionary<string, string>
    {
        ["PeerNet:Interval"] = Interval.ToString(CultureInfo.InvariantCulture),
        ["PeerNet:Connections"] = Connections.ToString(CultureInfo.InvariantCulture),
        ["PeerNet:FeelerInterval"] = FeelerInterval.ToString(CultureInfo.InvariantCulture),
        ["PeerNet:RotateInterval"] = RotateInterval.ToString(CultureInfo.InvariantCulture),
        ["PeerNet:Dashboard"] = "false",
        ["Serilog:MinimumLevel:Default"] = "Warning",
        ["Serilog:MinimumLevel:Override:Microsoft.Hosting.Lifetime"] = "Warning",
    };

    /// <summary>PeerNet.Host.dll beside this bench (it references the host project), else the host project's own build output.</summary>
    private static string LocateHost()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "PeerNet.Host.dll");
        if (File.Exists(beside))
            return beside;
        var here = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)); // .../PeerNet.Bench/bin/<cfg>/<tfm>
        return Path.Combine(here.FullName, "..", "..", "..", "..", "PeerNet.Host", "bin", here.Parent!.Name, here.Name, "PeerNet.Host.dll");
    }
}
