using System.ComponentModel;
using System.Diagnostics;

namespace PeerNet.Tests.Deploy;

/// <summary>The repository's deployment files, and the tools that read them, as the tests find them.</summary>
internal static class DeployFiles
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromMinutes(2);

    /// <summary>The repository root: the folder above the test build that holds PeerNet.sln.</summary>
    public static string Root { get; } = FindRoot();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    public static string Read(params string[] parts) => File.ReadAllText(PathOf(parts));

    /// <summary>
    /// Runs <paramref name="tool"/> from the repository root with the test process's environment less
    /// <paramref name="unset"/> and plus <paramref name="set"/>; fails the test, saying how to install it, when the tool
    /// is missing, and when it does not finish in time.
    /// </summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(
        string tool, string installHint, IEnumerable<string> args,
        IEnumerable<string>? unset = null, IReadOnlyDictionary<string, string>? set = null)
    {
        var start = new ProcessStartInfo(tool)
        {
            WorkingDirectory = Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        foreach (var name in unset ?? [])
            start.Environment.Remove(name);
        foreach (var (name, value) in set ?? new Dictionary<string, string>())
            start.Environment[name] = value;

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception ex)
        {
            Assert.Fail($"'{tool}' could not be started ({ex.Message}): {installHint}");
            throw;
        }
        using (process)
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            timeout.CancelAfter(ToolTimeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"'{tool} {string.Join(' ', start.ArgumentList)}' did not finish within {ToolTimeout}");
            }
            return (process.ExitCode, await stdout, await stderr);
        }
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PeerNet.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException($"No PeerNet.sln above {AppContext.BaseDirectory}.");
    }
}
