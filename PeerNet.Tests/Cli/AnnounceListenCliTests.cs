using System.Text.Json;
using PeerNet.Cli;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Cli;

/// <summary>
/// The headline of the CLI: <c>peernet announce</c> on one host prints the reply that <c>peernet listen --exec</c>
/// produced on another, the command getting the request on standard input and in environment variables.
/// </summary>
public sealed class AnnounceListenCliTests : IAsyncLifetime
{
    private readonly TestCluster _cluster = new();
    private IReadOnlyList<TestNode> _hosts = [];

    public async ValueTask InitializeAsync()
    {
        _hosts = await _cluster.StartAsync(2, _ => TestNodeOptions.With(("PeerNet:Interval", "0"), ("PeerNet:Purge", "0")));
        Assert.Equal(ExitCodes.Ok, (await CliRun.RunAsync(["connect", _hosts[1].PeerAddress, "--url", _hosts[0].BaseAddress.ToString()])).ExitCode);
        await Wait.UntilAsync(() => _hosts[1].Node.ConnectionCount == 1, TestCluster.Patience, "the far end counts the connection");
    }

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();

    private CliRun Listen(params string[] args)
    {
        var listen = _cluster.Track(CliRun.Start(["listen", "--url", _hosts[1].BaseAddress.ToString(), .. args]));
        return listen;
    }

    private static Task ListeningAsync(CliRun listen) =>
        Wait.UntilAsync(() => listen.Error.ToString().Contains("listening for") || listen.Completion.IsCompleted, TestCluster.Patience, "listen has subscribed");

    [Fact]
    public async Task AnnounceOnOneHost_PrintsTheReplyThatListenExecProducedOnAnother()
    {
        // The request's data arrives on standard input (cat) and in the environment.
        var listen = Listen("--type", "ping", "--exec", """printf 'pong %s from ' "$PEERNET_TYPE"; cat; printf ' hops %s' "$PEERNET_HOPS" """);
        await ListeningAsync(listen);

        var announce = await CliRun.RunAsync(["announce", "--type", "ping", "--data", "hi", "--max", "1", "--timeout", "15s",
            "--url", _hosts[0].BaseAddress.ToString()]);

        Assert.Equal(ExitCodes.Ok, announce.ExitCode);
        Assert.Equal("pong ping from hi hops 0", announce.Out.Trim());
        Assert.Equal("ping hi", listen.Out.Lines().Single()); // listen prints each request it answers
        Assert.Equal(ExitCodes.Ok, await listen.StopAsync()); // Ctrl+C ends a listener normally
    }

    [Fact]
    public async Task AFailingCommand_SendsNoReply_AndListenGoesOn()
    {
        var listen = Listen("--exec", """[ "$PEERNET_DATA" = good ] && echo answered || exit 3""", "--json");
        await ListeningAsync(listen);
        var url = _hosts[0].BaseAddress.ToString();

        var bad = await CliRun.RunAsync(["announce", "--data", "bad", "--timeout", "1s", "--url", url]);
        Assert.Equal((ExitCodes.Ok, "", true), (bad.ExitCode, bad.Out, bad.Error.Contains("no replies")));
        await Wait.UntilAsync(() => listen.Error.ToString().Contains("exited with 3"), TestCluster.Patience, "listen reports the failed command");

        var good = await CliRun.RunAsync(["announce", "--data", "good", "--max", "1", "--timeout", "15s", "--json", "--url", url]);
        var reply = JsonDocument.Parse(good.Out).RootElement;
        Assert.Equal("answered\n", reply.GetProperty("data").GetString());
        Assert.Equal(2, listen.Out.Lines().Length); // --json: one request object per line
        Assert.Equal("good", JsonDocument.Parse(listen.Out.Lines()[1]).RootElement.GetProperty("data").GetString());
    }

    [Fact]
    public async Task ACommandThatHangs_IsKilledAtItsTimeout_AndSendsNoReply()
    {
        var listen = Listen("--exec", "sleep 30", "--exec-timeout", "200ms");
        await ListeningAsync(listen);

        var run = await CliRun.RunAsync(["announce", "--data", "x", "--timeout", "1s", "--url", _hosts[0].BaseAddress.ToString()]);

        Assert.Equal("", run.Out);
        await Wait.UntilAsync(() => listen.Error.ToString().Contains("was killed"), TestCluster.Patience, "listen kills the command");
    }

    [Fact]
    public async Task AReportedAnnounce_PrintsItsSummary()
    {
        var run = await CliRun.RunAsync(["announce", "--type", "nobody-listens", "--id", "abcd01", "--report", "--timeout", "500ms",
            "--url", _hosts[0].BaseAddress.ToString()]);

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("announce abcd01: reached ", run.Error);
    }

    [Fact]
    public async Task BytesThatAreNotText_GoThroughStdinAndBackAsBase64()
    {
        var listen = Listen("--type", "echo", "--exec", """[ "$PEERNET_DATA_BASE64" = AP8= ] && cat""");
        await ListeningAsync(listen);

        var run = await CliRun.RunAsync(["announce", "--type", "echo", "--data-base64", "AP8=", "--max", "1", "--timeout", "15s",
            "--url", _hosts[0].BaseAddress.ToString()]);

        Assert.Equal((ExitCodes.Ok, "base64:AP8="), (run.ExitCode, run.Out.Trim())); // 0x00 0xFF, echoed by cat
    }
}
