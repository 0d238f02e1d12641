using PeerNet.Fuzz;
using PeerNet.Fuzz.Corpus;
using PeerNet.Fuzz.Targets;
using PeerNet.Tests.Deploy;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Fuzz;

/// <summary>
/// The fuzz harness without AFL: each target runs over its committed corpus in-process (so the harness keeps compiling
/// and working, and every input a fuzz run found stays fixed), the corpus is what the generator writes, and the session
/// corpora still reach the code they are for.
/// </summary>
public class FuzzTargetTests(FuzzTargetFixture targets) : IClassFixture<FuzzTargetFixture>
{
    public static TheoryData<string> Targets() => [.. FuzzTargets.Names];

    private static string CorpusOf(string target) => DeployFiles.PathOf("PeerNet.Fuzz", "corpus", target);

    [Theory]
    [MemberData(nameof(Targets))]
    public void EachTarget_RunsEveryInputOfItsCorpus_WithoutAFailure(string name)
    {
        var target = targets[name];
        var files = CorpusRunner.Inputs([CorpusOf(name)]).ToList();

        var failures = CorpusRunner.Run(target, files);

        Assert.NotEmpty(files);
        Assert.Empty(failures.Select(f => $"{Path.GetFileName(f.File)}: {f.Error}"));
    }

    [Fact]
    public void TheCommittedSeeds_AreWhatTheGeneratorWrites()
    {
        foreach (var (target, seeds) in SeedCorpus.Build(targets.Addrs.AskId()))
        {
            foreach (var (name, input) in seeds)
            {
                var file = Path.Combine(CorpusOf(target), $"seed-{name}.bin");
                Assert.True(File.Exists(file), $"{file} is missing: run `dotnet PeerNet.Fuzz.dll seeds PeerNet.Fuzz/corpus`");
                Assert.True(input.AsSpan().SequenceEqual(File.ReadAllBytes(file)), $"{file} is stale: run `dotnet PeerNet.Fuzz.dll seeds PeerNet.Fuzz/corpus`");
            }
        }
    }

    [Fact]
    public void TheHelloSeed_CompletesTheHandshake()
    {
        var run = targets.Hello.RunSession(File.ReadAllBytes(Path.Combine(CorpusOf("hello"), "seed-peernet-hello-then-answer.bin")));

        Assert.True(run.Handshaken);
    }

    [Fact]
    public void TheAddrsSeeds_AreAnsweredAndLearned()
    {
        var addrs = targets.Addrs;
        using var learned = addrs.Services.Collect("peernet.exchange.addresses.learned");

        var asked = addrs.RunSession(File.ReadAllBytes(Path.Combine(CorpusOf("addrs"), "seed-ask.bin")));
        addrs.RunSession(File.ReadAllBytes(Path.Combine(CorpusOf("addrs"), "seed-answers.bin")));

        Assert.Equal(3, learned.Sum());
        Assert.Contains(asked.Sent, m => m.Request is { } r && r.Type.Equals(PeerNet.Protocol.MessageTypes.Addrs));
    }
}
