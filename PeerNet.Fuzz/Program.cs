using PeerNet.Fuzz.Corpus;
using PeerNet.Fuzz.Targets;
using SharpFuzz;

namespace PeerNet.Fuzz;

// PeerNet.Fuzz <target>                    the AFL loop (afl-fuzz ... -- dotnet PeerNet.Fuzz.dll <target>; input on stdin)
// PeerNet.Fuzz run <target> <path>...      runs the target over files or folders without AFL (replays crashes)
// PeerNet.Fuzz seeds <folder>              writes the seed corpora and dictionaries
internal static class Program
{
    private const int MaxInput = 1 << 20; // AFL's inputs are far smaller; a bound keeps a stray one from costing the loop

    public static int Main(string[] args)
    {
        switch (args)
        {
            case ["seeds", var folder]:
                Fuzzer.Run(_ => SeedCorpus.Write(folder)); // as for run: safe in an instrumented build too
                Console.WriteLine($"seed corpora written under {Path.GetFullPath(folder)}");
                return 0;
            case ["run", var name, .. var paths] when paths.Length > 0:
            {
                // Inside Fuzzer.Run, which outside AFL runs the action once over a trace buffer of its own: code that
                // sharpfuzz instrumented writes its coverage there, and would fault before (no buffer yet).
                var code = 0;
                Fuzzer.Run(_ => code = Replay(name, paths));
                return code;
            }
            case [var name] when FuzzTargets.Names.Contains(name):
            {
                // Created at the first input, inside Fuzzer.Run: instrumented code may run only once the trace is set up.
                IFuzzTarget? target = null;
                var buffer = new byte[MaxInput];
                Fuzzer.Run(stream =>
                {
                    target ??= FuzzTargets.Create(name);
                    var length = 0;
                    int read;
                    while (length < buffer.Length && (read = stream.Read(buffer, length, buffer.Length - length)) > 0)
                        length += read;
                    target.Run(buffer[..length]);
                });
                return 0;
            }
            default:
                Console.Error.WriteLine($"usage: PeerNet.Fuzz <target> | run <target> <path>... | seeds <folder>   (targets: {string.Join(", ", FuzzTargets.Names)})");
                return 2;
        }
    }

    private static int Replay(string name, string[] paths)
    {
        using var target = FuzzTargets.Create(name);
        var files = CorpusRunner.Inputs(paths).ToList();
        var failures = CorpusRunner.Run(target, files);
        foreach (var (file, error) in failures)
            Console.Error.WriteLine($"{file}: {error}");
        Console.WriteLine($"{name}: {files.Count} inputs, {failures.Count} failed");
        return failures.Count == 0 ? 0 : 1;
    }
}
