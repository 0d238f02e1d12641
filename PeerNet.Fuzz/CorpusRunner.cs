using PeerNet.Fuzz.Targets;

namespace PeerNet.Fuzz;

/// <summary>Runs a target over files without AFL: the suite's check of the corpora, and how a crash AFL found is replayed.</summary>
public static class CorpusRunner
{
    /// <summary>The input files under <paramref name="paths"/> (files as given, folders recursively; AFL's bookkeeping skipped).</summary>
    public static IEnumerable<string> Inputs(IEnumerable<string> paths)
    {
        foreach (var path in paths)
        {
            if (File.Exists(path))
            {
                yield return path;
                continue;
            }
            foreach (var file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileName(file);
                var hidden = Path.GetRelativePath(path, file).Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.'));
                if (hidden || name is "README.txt" || name.EndsWith(".dict", StringComparison.Ordinal))
                    continue;
                yield return file;
            }
        }
    }

    /// <summary>Runs every input; returns the files whose run threw, with what it threw.</summary>
    public static IReadOnlyList<(string File, Exception Error)> Run(IFuzzTarget target, IEnumerable<string> files)
    {
        var failures = new List<(string, Exception)>();
        foreach (var file in files)
        {
            try
            {
                target.Run(File.ReadAllBytes(file));
            }
            catch (Exception ex)
            {
                failures.Add((file, ex));
            }
        }
        return failures;
    }
}
