namespace PeerNet.Cli;

/// <summary>The entry point; composition only: the commands live in <see cref="PeerNetCli"/> and Commands/.</summary>
internal static class Program
{
    // Named, not top-level statements: a global Program would clash with the host's in the tests, which see both.
    private static Task<int> Main(string[] args) => PeerNetCli.InvokeAsync(args, CliConsole.System);
}
