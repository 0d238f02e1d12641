using System.Diagnostics;

namespace PeerNet.Bench.Compare;

/// <summary>
/// A Release build of PeerNet.Bench (and the host beside it) from a commit, in a temporary git worktree, or from the
/// working tree as it is (uncommitted changes included). Disposing removes the worktree and the output.
/// </summary>
internal sealed class BenchBuild : IDisposable
{
    private readonly string _repository;
    private readonly string? _worktree;

    private BenchBuild(string repository, string? worktree, string output)
    {
        _repository = repository;
        _worktree = worktree;
        Output = output;
    }

    /// <summary>The folder holding PeerNet.Bench.dll.</summary>
    public string Output { get; }

    public string BenchDll => Path.Combine(Output, "PeerNet.Bench.dll");

    /// <summary>The repository holding the current directory.</summary>
    public static string RepositoryRoot() => Git(Environment.CurrentDirectory, "rev-parse", "--show-toplevel").Trim();

    /// <summary>Builds <paramref name="commit"/> (null: the working tree) into a folder under <paramref name="scratch"/>.</summary>
    public static BenchBuild Create(string repository, string? commit, string scratch)
    {
        var output = Path.Combine(scratch, commit is null ? "head-bin" : "base-bin");
        string? worktree = null;
        var source = repository;
        if (commit is not null)
        {
            // Resolved first, so a bad name fails with git's message before anything is built.
            var sha = Git(repository, "rev-parse", "--verify", commit + "^{commit}").Trim();
            worktree = Path.Combine(scratch, "base-src");
            Git(repository, "worktree", "add", "--detach", worktree, sha);
            source = worktree;
        }
        var build = new BenchBuild(repository, worktree, output);
        try
        {
            Console.Error.WriteLine($"compare: building {(commit ?? "the working tree")} into {output}");
            Run("dotnet", source, "build", Path.Combine(source, "PeerNet.Bench", "PeerNet.Bench.csproj"), "-c", "Release", "-o", output, "-v", "q", "-nologo");
            if (!File.Exists(build.BenchDll))
                throw new InvalidOperationException($"the build of {commit ?? "the working tree"} has no PeerNet.Bench.dll in {output}");
            return build;
        }
        catch
        {
            build.Dispose();
            throw;
        }
    }

    /// <summary>A build already made (<c>--base-bin</c>, <c>--head-bin</c>): nothing to remove afterwards.</summary>
    public static BenchBuild Existing(string output) =>
        File.Exists(Path.Combine(output, "PeerNet.Bench.dll"))
            ? new BenchBuild("", null, output)
            : throw new ArgumentException($"no PeerNet.Bench.dll in {output}");

    public void Dispose()
    {
        if (_worktree is null)
            return;
        try
        {
            Git(_repository, "worktree", "remove", "--force", _worktree);
        }
        catch (InvalidOperationException ex)
        {
            Console.Error.WriteLine($"compare: could not remove the worktree {_worktree}: {ex.Message}");
        }
    }

    private static string Git(string directory, params string[] arguments) => Run("git", directory, arguments);

    private static string Run(string file, string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}): {stderr.Result.Trim()} {stdout.Trim()}".Trim());
        return stdout;
    }
}
