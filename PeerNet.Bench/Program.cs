using PeerNet.Bench;
using PeerNet.Bench.Testnet;

// Each command prints progress to stderr and, as its last stdout line, one JSON object of figures.
return args switch
{
    ["store", .. var rest] => await StoreBench.RunAsync(BenchArgs.Parse(rest)),
    ["simulate", .. var rest] => SimulateBench.Run(BenchArgs.Parse(rest)),
    ["pingpong", .. var rest] => await PingPongBench.RunAsync(BenchArgs.Parse(rest)),
    ["wsecho", .. var rest] => await WsEchoBench.RunAsync(BenchArgs.Parse(rest)),
    ["fanout", .. var rest] => await FanoutBench.RunAsync(BenchArgs.Parse(rest)),
    ["conns", .. var rest] => await ConnsBench.RunAsync(BenchArgs.Parse(rest)),
    ["flood", .. var rest] => await FloodBench.RunAsync(BenchArgs.Parse(rest)),
    ["compare", var baseCommit, .. var rest] when !baseCommit.StartsWith("--", StringComparison.Ordinal) =>
        await PeerNet.Bench.Compare.CompareBench.RunAsync(baseCommit, rest),
    ["topics", .. var rest] => await TopicsBench.RunAsync(BenchArgs.Parse(rest)),
    ["testnet", .. var rest] => await TestnetBench.RunAsync(BenchArgs.Parse(rest)),
    // Hidden: the hostile process of testnet --attack.
    ["testnet-attacker", .. var rest] => await TestnetAttacker.RunAsync(BenchArgs.Parse(rest)),
    // Hidden: the client process of conns (its first option is the host's URL).
    ["conns-client", "--url", var url, .. var rest] => await ConnsClient.RunAsync(BenchArgs.Parse(rest), url),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: dotnet run -c Release --project PeerNet.Bench -- <command> [options]
          store --addresses N [--batch B] [--samples S] [--size K]   save N addresses in batches of B, then time random samples of K
          simulate --nodes N --degree D --fail P --runs R [--fanout K] [--max-hops H] [--latency MS] [--seed S] [--initial-eager E] [--graft-timeout MS] [--prune-backoff S] [--hold S]   announce dissemination in virtual time (Plumtree; --fanout K: the original's rule; --hold: keep the network S seconds for a heap dump)
          pingpong --count N [--window W] [--warmup S] [--allocations 1] [--signed 1]   announce->answer round trips between two hosts over a loopback WebSocket, W in flight (--allocations: list what it allocates; --signed: every announce and answer signed and checked)
          wsecho --count N [--window W]   the bare stack's limit for pingpong's frames: a Kestrel WebSocket echo, same batching
          fanout --nodes N --degree D --runs R [--warmup W] [--seed S]   real nodes over loopback WebSockets: coverage, time and frames per announce
          conns --count N [--warm K] [--settle S] [--hold S]   host working set per idle handshaken connection, opened by a child process (--settle: measured S s later; --hold: kept S s for a heap dump)
          flood --peers P --seconds S [--hops H]   P peers sending fresh request ids as fast as they can: the host's memory under flood
          compare BASE [--benches pingpong,wsecho,fanout,store,simulate,conns] [--rounds R] [--quick 1]   build BASE and the working tree, run the headline benches back to back, print each figure with head/base
          topics --nodes N --members M [--degree D] [--runs R]   topic lookups with max M on real nodes: time and frames, first and cached, next to an announce's
          testnet --nodes N --kill F [--attack] [--host PATH] [--connections C] [--interval MS] [--feeler-interval MS] [--rotate-interval MS] [--seed S] [--timeout SECONDS]   N host processes on loopback, round(F*N) SIGKILLed: heal time and announce coverage of the survivors (--attack: one hostile process against them)
        """);
    return 2;
}
