namespace PeerNet.Tests.Infrastructure;

/// <summary>How one host of a <see cref="TestCluster"/> is started.</summary>
public sealed record TestNodeOptions
{
    /// <summary>Names the host's database file; a fresh name by default. A name used again reopens that file.</summary>
    public string? Name { get; init; }

    /// <summary>Configuration on top of the test defaults (no bootstrap, quiet logs).</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>Adds a raw tcp peer listener on an OS-chosen port (<see cref="TestNode.TcpAddress"/>).</summary>
    public bool Tcp { get; init; }

    /// <summary>Sets PeerNet:Advertise to the host's own ws address (<see cref="TestNode.PeerAddress"/>).</summary>
    public bool Advertise { get; init; }

    /// <summary>Registrations made before the host's own (a fake <c>ISeedResolver</c>, say).</summary>
    public Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? Services { get; init; }

    /// <summary>Options with these settings.</summary>
    /// <summary>The port of a host this cluster stopped, to restart it at the address its peers stored (with its <see cref="Name"/>, so its database too).</summary>
    public int? HttpPort { get; init; }

    public static TestNodeOptions With(params (string Key, string? Value)[] settings) =>
        new() { Settings = settings.ToDictionary(s => s.Key, s => s.Value) };
}

/// <summary>
/// Real hosts on loopback for one test: start N (options per host), stop one, wait until a condition holds, and on
/// disposal stop every host still running and delete every file they wrote. Ports come from the OS and are held
/// until the hosts are gone (<see cref="LoopbackPort"/>). Use one per test: <c>await using var cluster = new TestCluster();</c>.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    /// <summary>How long a wait may take before the test fails: generous, since waits end as soon as their condition holds.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private readonly TempDirectory _dir = new();
    private readonly List<TestNode> _nodes = [];
    private readonly List<IAsyncDisposable> _tracked = [];
    private int _names;

    /// <summary>Every host started, in start order (stopped ones included).</summary>
    public IReadOnlyList<TestNode> Nodes
    {
        get { lock (_nodes) return [.. _nodes]; }
    }

    /// <summary>The hosts not stopped.</summary>
    public IReadOnlyList<TestNode> Running => Nodes.Where(n => n.IsRunning).ToList();

    /// <summary>A path in the cluster's folder (deleted with it).</summary>
    public string File(string name) => _dir.File(name);

    /// <summary>Starts one host.</summary>
    public async Task<TestNode> StartAsync(TestNodeOptions? options = null)
    {
        options ??= new TestNodeOptions();
        var name = options.Name ?? $"node{Interlocked.Increment(ref _names)}";
        var node = await TestNode.StartAsync(_dir.File(name + ".db"), options.Settings, options.Tcp, options.Advertise, services: options.Services,
            httpPort: options.HttpPort);
        lock (_nodes)
            _nodes.Add(node);
        return node;
    }

    /// <summary>Starts <paramref name="count"/> hosts at once, the i-th with <paramref name="options"/>(i); returns them in that order.</summary>
    public async Task<IReadOnlyList<TestNode>> StartAsync(int count, Func<int, TestNodeOptions>? options = null) =>
        await Task.WhenAll(Enumerable.Range(0, count).Select(i => StartAsync(options?.Invoke(i))));

    /// <summary>Stops <paramref name="node"/> as SIGTERM would: its peers see their connections close. Its files stay until the cluster is disposed.</summary>
    public async Task StopAsync(TestNode node)
    {
        lock (_nodes)
        {
            if (!_nodes.Contains(node))
                throw new ArgumentException("That host is not of this cluster.", nameof(node));
        }
        await node.DisposeAsync();
    }

    /// <summary>Disposes <paramref name="disposable"/> (an event stream, a client) with the cluster, before its hosts stop.</summary>
    public T Track<T>(T disposable) where T : IAsyncDisposable
    {
        lock (_tracked)
            _tracked.Add(disposable);
        return disposable;
    }

    /// <summary>Returns once <paramref name="condition"/> holds; throws naming <paramref name="because"/> after <paramref name="timeout"/> (default <see cref="Patience"/>).</summary>
    public Task UntilAsync(Func<Task<bool>> condition, string because, TimeSpan? timeout = null) =>
        Wait.UntilAsync(condition, timeout ?? Patience, because);

    /// <inheritdoc cref="UntilAsync(Func{Task{bool}}, string, TimeSpan?)"/>
    public Task UntilAsync(Func<bool> condition, string because, TimeSpan? timeout = null) =>
        Wait.UntilAsync(condition, timeout ?? Patience, because);

    /// <summary>Returns once <paramref name="condition"/> holds for every running host at the same time.</summary>
    public Task UntilEachAsync(Func<TestNode, Task<bool>> condition, string because, TimeSpan? timeout = null) =>
        UntilAsync(async () =>
        {
            foreach (var node in Running)
            {
                if (!await condition(node))
                    return false;
            }
            return true;
        }, because, timeout);

    public async ValueTask DisposeAsync()
    {
        var failures = new List<Exception>();
        List<IAsyncDisposable> tracked;
        lock (_tracked)
            tracked = [.. _tracked];
        foreach (var disposable in tracked)
        {
            try { await disposable.DisposeAsync(); }
            catch (Exception ex) { failures.Add(ex); }
        }
        // Every host at once; a host already stopped returns at once.
        var stops = Nodes.Select(async node =>
        {
            try { await node.DisposeAsync(); }
            catch (Exception ex) { lock (failures) failures.Add(ex); }
        });
        await Task.WhenAll(stops);
        _dir.Dispose();
        if (failures.Count > 0)
            throw new AggregateException("Tearing down the test cluster failed.", failures);
    }
}
