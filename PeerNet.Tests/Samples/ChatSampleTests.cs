using System.IO.Pipelines;
using PeerNet.Samples.Chat;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Samples;

/// <summary>The sample subnet: chat instances on three connected hosts find each other through the topic and talk directly.</summary>
public sealed class ChatSampleTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly TestCluster _cluster = new();
    private readonly List<Instance> _instances = [];

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in _instances)
            await instance.DisposeAsync();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task ALineTypedIntoOneInstance_IsPrintedByTheOtherTwo_AndEndOfInputLeavesTheTopic()
    {
        var hosts = await _cluster.StartAsync(3, _ => TestNodeOptions.With(("PeerNet:Interval", "0"), ("PeerNet:TopicCacheSeconds", "1")));
        await hosts[1].Node.ConnectAsync(hosts[0].PeerAddress, Ct);
        await hosts[2].Node.ConnectAsync(hosts[1].PeerAddress, Ct);
        await _cluster.UntilAsync(() => hosts[1].Node.ConnectionCount == 2, "the hosts are connected");
        string[] names = ["alice", "bob", "carol"];
        for (var i = 0; i < 3; i++)
            _instances.Add(Instance.Start(new ChatOptions { Node = hosts[i].BaseAddress, Name = names[i], FindEvery = TimeSpan.FromMilliseconds(500) }));
        await _cluster.UntilAsync(() => _instances.All(c => c.App.PeerCount == 2), "each instance dialled the other two");

        await _instances[0].TypeAsync("hello from alice");

        await _cluster.UntilAsync(() => _instances.Skip(1).All(c => c.Output.ToString().Contains("alice: hello from alice")),
            "bob and carol printed alice's line");
        Assert.DoesNotContain("alice: hello", _instances[0].Output.ToString()); // not echoed to its sender
        Assert.Single(_instances[1].Output.Lines(), l => l == "alice: hello from alice"); // once: one connection each way

        await _instances[0].EndInputAsync();
        await _instances[0].Completion.WaitAsync(TestCluster.Patience, Ct);
        Assert.Empty(hosts[0].Node.Topics.List()); // it left the topic
    }

    /// <summary>A chat instance in this process, its standard input a pipe the test types into.</summary>
    private sealed class Instance : IAsyncDisposable
    {
        private readonly Pipe _input = new();
        private readonly StreamWriter _typing;
        private readonly CancellationTokenSource _stop = new();

        private Instance(ChatOptions options)
        {
            App = new ChatApp(options);
            _typing = new StreamWriter(_input.Writer.AsStream()) { AutoFlush = true };
            Completion = Task.Run(() => App.RunAsync(new StreamReader(_input.Reader.AsStream()), Output, _stop.Token));
        }

        public ChatApp App { get; }

        public CapturedText Output { get; } = new();

        public Task Completion { get; }

        public static Instance Start(ChatOptions options) => new(options);

        public Task TypeAsync(string line) => _typing.WriteLineAsync(line.AsMemory(), Ct);

        public async Task EndInputAsync() => await _input.Writer.CompleteAsync();

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            try
            {
                await Completion.WaitAsync(TestCluster.Patience);
            }
            catch (OperationCanceledException)
            {
                // Stopped.
            }
            await _typing.DisposeAsync();
            _stop.Dispose();
        }
    }
}
