using System.Runtime.CompilerServices;
using System.Text.Json;

namespace PeerNet.Bench;

/// <summary>
/// <c>pingpong --count N --window W</c>: two full PeerNet hosts in this process over a loopback WebSocket. Node B
/// dials A; A announces with W announces in flight at once; B's application answers each through its subscription.
/// After a warm-up, times N completed announce-to-answer round trips (repeated until at least 2 s are measured).
/// <c>--warmup S</c> sets the warm-up's seconds (default 4); <c>--allocations 1</c> also lists the types the timed
/// part allocates most (stderr); <c>--signed 1</c> signs every announce and answer (each side signs its own and checks
/// the other's: what signed messages cost).
/// </summary>
internal static class PingPongBench
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Shortest warm-up before timing starts, by default (<c>--warmup</c> seconds).</summary>
    private const int DefaultWarmUpSeconds = 4;

    public static async Task<int> RunAsync(BenchArgs args)
    {
        var count = args.Int("count", 200_000);
        var window = args.Int("window", 1_000);
        var warmUpTime = TimeSpan.FromSeconds(args.Int("warmup", DefaultWarmUpSeconds));
        var signed = args.Int("signed", 0) != 0;
        var request = signed ? PingPayload.Request with { Sign = true } : PingPayload.Request;
        var reply = signed ? PingPayload.Reply with { Sign = true } : PingPayload.Reply;
        var unsigned = new StrongBox<long>(); // signed runs: requests or answers that arrived without a signature
        // The node's own announces wait for room in the send queue; answers and the subscriber buffer hold the rest.
        var settings = new Dictionary<string, string?> { ["PeerNet:SendQueueCapacity"] = Math.Max(1024, window * 2).ToString(System.Globalization.CultureInfo.InvariantCulture) };
        await using var a = await BenchHost.StartAsync(settings);
        await using var b = await BenchHost.StartAsync(settings);
        await b.Node.ConnectAsync(a.PeerAddress);
        await BenchWait.UntilAsync(() => a.Node.ConnectionCount == 1 && b.Node.ConnectionCount == 1);
        Console.Error.WriteLine($"pingpong: B dialled A at {a.PeerAddress}");

        using var stop = new CancellationTokenSource();
        using var subscription = b.Node.SubscribeRequests(PingPayload.Type);
        var answering = AnswerAllAsync(subscription, reply, signed, unsigned, stop.Token);
        var lost = 0L;

        async Task<long> Batch(int n)
        {
            var remaining = n;
            long completed = 0;
            async Task Worker()
            {
                // One announce at a time: its stream is closed after the first answer, ending the announce. Written
                // out here rather than as an awaited method per round trip, so the harness adds no allocation of its own.
                while (Interlocked.Decrement(ref remaining) >= 0)
                {
                    var stream = a.Node.AnnounceAsync(request, AnswerTimeout).GetAsyncEnumerator();
                    try
                    {
                        if (await stream.MoveNextAsync().ConfigureAwait(false))
                        {
                            Interlocked.Increment(ref completed);
                            if (signed && stream.Current.Signer.IsEmpty)
                                Interlocked.Increment(ref unsigned.Value);
                        }
                        else
                            Interlocked.Increment(ref lost);
                    }
                    finally
                    {
                        await stream.DisposeAsync().ConfigureAwait(false);
                    }
                }
            }
            await Task.WhenAll(Enumerable.Range(0, Math.Min(window, n)).Select(_ => Task.Run(Worker)));
            return completed;
        }

        // Warm up by time, not count: tiered compilation and PGO need a few seconds of the hot path before their final
        // code is in place, and a fixed count finishes too early when the stack is fast.
        Console.Error.WriteLine("pingpong: warm-up");
        var warming = System.Diagnostics.Stopwatch.StartNew();
        do
            await Batch(Math.Min(count, 50_000));
        while (warming.Elapsed < warmUpTime);
        // Optional: which types the timed part allocates (sampled runtime events; costs a little time itself).
        using var sampler = args.Int("allocations", 0) != 0 ? new AllocationSampler { Recording = true } : null;
        var (done, seconds, cpuMicros, allocatedBytes) = await RoundTripTimer.MeasureAsync("pingpong", count, Batch);
        if (sampler is not null)
        {
            sampler.Recording = false;
            sampler.Report("pingpong");
        }

        stop.Cancel();
        await answering;
        Console.Error.WriteLine($"pingpong: lost {lost}, subscriber drops {subscription.Dropped}");
        if (unsigned.Value > 0)
            throw new InvalidOperationException($"{unsigned.Value} requests or answers arrived unsigned in a signed run");
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            bench = "pingpong",
            count = done,
            window,
            seconds = Math.Round(seconds, 3),
            perSecond = Math.Round(done / seconds),
            lost,
            cpuMicrosPerRoundTrip = Math.Round(cpuMicros, 2),
            allocatedBytesPerRoundTrip = Math.Round(allocatedBytes),
            signed,
        }));
        return 0;
    }

    private static async Task AnswerAllAsync(Gossip.Announcing.RequestSubscription subscription, Gossip.Announcing.ReplyMessage reply,
        bool signed, StrongBox<long> unsigned, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var request in subscription.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                if (signed && request.Signer.IsEmpty)
                    unsigned.Value++;
                await request.ReplyAsync(reply, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
