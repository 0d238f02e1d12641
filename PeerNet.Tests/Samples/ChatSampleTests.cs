using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
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

    [Fact]
    public async Task APeerSendingALineOverTheBound_IsDropped_ControlCharactersAreRemoved_AndOthersStillTalk()
    {
        var host = await _cluster.StartAsync(TestNodeOptions.With(("PeerNet:Interval", "0")));
        var chat = Instance.Start(new ChatOptions { Node = host.BaseAddress, Name = "alice", MaxLineBytes = 64 });
        _instances.Add(chat);
        await _cluster.UntilAsync(() => chat.App.Address is not null && host.Node.Topics.List().Count == 1, "alice joined");
        var port = new Uri(chat.App.Address!).Port;

        // The attack: a line that never ends, past the 64-byte bound.
        using var eve = new TcpClient();
        await eve.ConnectAsync(IPAddress.Loopback, port, Ct);
        var flood = eve.GetStream();
        await flood.WriteAsync(Encoding.UTF8.GetBytes("eve\n" + new string('x', 1000)), Ct);
        var buffer = new byte[16];
        var closed = await ReadsToEndAsync(flood, buffer);
        Assert.True(closed, "alice closed eve's connection");

        using var dave = new TcpClient();
        await dave.ConnectAsync(IPAddress.Loopback, port, Ct);
        await dave.GetStream().WriteAsync(Encoding.UTF8.GetBytes("dave\nhi\u001b[2J there\n"), Ct);
        await _cluster.UntilAsync(() => chat.Output.Lines().Contains("dave: hi[2J there"), "dave's line printed without its escape character");
        Assert.DoesNotContain(chat.Output.Lines(), l => l.StartsWith("eve:", StringComparison.Ordinal));
    }

    private static async Task<bool> ReadsToEndAsync(NetworkStream stream, byte[] buffer)
    {
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        patience.CancelAfter(TestCluster.Patience);
        try
        {
            while (await stream.ReadAsync(buffer, patience.Token) > 0)
            {
            }
            return true;
        }
        catch (IOException)
        {
            return true; // reset: closed too
        }
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
