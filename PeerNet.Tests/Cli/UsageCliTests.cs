using PeerNet.Cli;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Cli;

/// <summary>The CLI's exit codes for usage errors and an unreachable node, and help for every command.</summary>
public sealed class UsageCliTests
{
    [Theory]
    [InlineData("bogus")]
    [InlineData("nodes")]
    [InlineData("nodes", "add")]
    [InlineData("announce", "--timeout", "soon")]
    [InlineData("announce", "--data", "a", "--data-base64", "YQ==")]
    [InlineData("listen", "--parallel", "0")]
    [InlineData("node", "--url", "ftp://x")]
    public async Task AWrongCommandLine_Exits2_SayingWhy(params string[] args)
    {
        var run = await CliRun.RunAsync(args);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.StartsWith("error: ", run.Error);
        Assert.Contains("peernet --help", run.Error);
    }

    [Fact]
    public async Task AMalformedPeerNetUrl_Exits2_NamingTheVariable()
    {
        var run = await CliRun.RunAsync(["node"], new Dictionary<string, string> { ["PEERNET_URL"] = "localhost:5000" });

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("PEERNET_URL 'localhost:5000' is not an http:// or https:// URL", run.Error);
    }

    [Fact]
    public async Task ANodeNobodyAnswersFor_Exits3()
    {
        using var refusing = LoopbackPort.Refusing();

        var run = await CliRun.RunAsync(["node", "--url", $"http://127.0.0.1:{refusing.Port}"]);

        Assert.Equal(ExitCodes.Unreachable, run.ExitCode);
        Assert.Contains("cannot reach the node", run.Error);
    }

    [Fact]
    public async Task EveryCommand_HasHelp()
    {
        var root = PeerNetCli.Build(new CliConsole(TextWriter.Null, TextWriter.Null, _ => null));
        var commands = root.Subcommands.SelectMany(c => c.Subcommands.Select(s => new[] { c.Name, s.Name }).Prepend([c.Name])).ToList();
        Assert.Contains(["nodes", "list"], commands);

        foreach (var command in commands)
        {
            var run = await CliRun.RunAsync([.. command, "--help"]);
            Assert.Equal(ExitCodes.Ok, run.ExitCode);
            Assert.Contains($"Usage:{Environment.NewLine}  peernet {string.Join(' ', command)}", run.Out); // named as the tool, not its assembly
            Assert.Contains("--url", run.Out); // the global options show on every command
        }
    }
}
