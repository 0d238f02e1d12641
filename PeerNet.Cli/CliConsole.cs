namespace PeerNet.Cli;

/// <summary>Where the CLI writes and what environment it reads: the process's own, or a test's.</summary>
/// <param name="Out">Standard output: results, one per line.</param>
/// <param name="Error">Standard error: errors, warnings and progress.</param>
/// <param name="Environment">Reads an environment variable (PEERNET_URL, PEERNET_API_KEY).</param>
public sealed record CliConsole(TextWriter Out, TextWriter Error, Func<string, string?> Environment)
{
    /// <summary>The process's console and environment.</summary>
    public static CliConsole System { get; } = new(Console.Out, Console.Error, global::System.Environment.GetEnvironmentVariable);
}
