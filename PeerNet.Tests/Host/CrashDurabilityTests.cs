using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using PeerNet.Host.Api;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Host;

/// <summary>
/// The host SIGKILLed, as its own process, in the middle of a burst of REST saves: every save it answered 200 is
/// there after a restart on the same database (WAL with synchronous=NORMAL: a commit survives a process crash), and
/// the database is whole.
/// </summary>
public sealed class CrashDurabilityTests : IAsyncLifetime
{
    private const int Savers = 6;
    private const int BatchSize = 5;
    private const int AnsweredBeforeKill = 300;

    // Saved addresses are ws://127.0.0.1:N/peer with N distinct from here on; bootstrap is off, so nothing dials them.
    private const int FirstPort = 10_000;
    private const int LastPort = 60_000;

    private static readonly TimeSpan BurstTimeout = TimeSpan.FromSeconds(15);

    private static readonly Dictionary<string, string> Settings = new()
    {
        ["PeerNet__Bootstrap"] = "false",
        // Far above the burst, so every save is one the host had to commit, never a 429.
        ["RateLimits__WritesPerSecond"] = "1000000",
        ["RateLimits__WriteBurst"] = "1000000",
    };

    private readonly TempDirectory _dir = new();
    private readonly ConcurrentQueue<string[]> _answered = new(); // every batch answered 200, in the order answered
    private HostProcess? _crashed;
    private HostProcess? _restarted;
    private int _issued; // addresses handed to savers so far

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_crashed is not null)
                await _crashed.DisposeAsync();
            if (_restarted is not null)
                await _restarted.DisposeAsync();
        }
        finally
        {
            _dir.Dispose();
        }
    }

    [Fact]
    public async Task Sigkill_DuringSaves_LosesNoAnsweredSave_AndTheDatabaseOpensWhole()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var db = _dir.File("crash.db");
        _crashed = await HostProcess.StartAsync(db, Settings, cancellationToken);

        var savers = Enumerable.Range(0, Savers).Select(_ => SaveUntilGoneAsync(_crashed.BaseAddress, cancellationToken)).ToArray();
        await Wait.UntilAsync(() => _answered.Count >= AnsweredBeforeKill || savers.Any(s => s.IsCompleted), BurstTimeout,
            $"{AnsweredBeforeKill} saves are answered");
        // A saver ends only when a request fails: before the kill, that is a failure of its own (its exception says which).
        foreach (var ended in savers.Where(s => s.IsCompleted))
            await ended;
        Assert.True(savers.All(s => !s.IsCompleted), "a saver stopped before the kill");

        await _crashed.KillAsync(cancellationToken); // with saves in flight: each saver has one outstanding
        await Task.WhenAll(savers); // each ends at its first failed request, so none can reach the next host
        var answered = _answered.ToArray();
        var issued = Enumerable.Range(0, Volatile.Read(ref _issued)).Select(AddressOf).ToHashSet();

        _restarted = await HostProcess.StartAsync(db, Settings, cancellationToken); // ready: /readyz answered 200
        using var client = new HttpClient { BaseAddress = _restarted.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var listed = await ListAllAsync(client, issued.Count, cancellationToken);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{answered.Length} saves answered before the kill ({answered.Length * BatchSize} addresses), {issued.Count} addresses sent, {listed.Count} listed after the restart");

        var lost = answered.SelectMany(b => b).Where(a => !listed.Contains(a)).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} addresses answered 200 are gone after the crash, e.g. {string.Join(", ", lost.Take(5))}");
        Assert.Subset(issued, listed); // nothing listed that no saver sent: no torn or foreign rows
        var node = await client.GetFromJsonAsync<NodeInfo>("/api/node", cancellationToken);
        Assert.Equal(listed.Count, node!.Known); // the count the store loads at start agrees with its rows
        foreach (var address in answered[^1]) // the last save answered before the kill: the one most at risk
        {
            using var stats = await client.GetAsync($"/api/nodes/stats?address={Uri.EscapeDataString(address)}", cancellationToken);
            Assert.Equal(HttpStatusCode.OK, stats.StatusCode);
        }
        Assert.Equal("ok", await IntegrityCheckAsync(db, cancellationToken));
    }

    /// <summary>Saves small batches of new addresses one after the other, recording each answered 200, until a request fails.</summary>
    private async Task SaveUntilGoneAsync(Uri host, CancellationToken cancellationToken)
    {
        await Task.Yield(); // the savers run side by side, not one after the other until their first await
        using var client = new HttpClient { BaseAddress = host, Timeout = TimeSpan.FromSeconds(30) };
        while (true)
        {
            var first = Interlocked.Add(ref _issued, BatchSize) - BatchSize;
            if (FirstPort + first + BatchSize > LastPort)
                throw new InvalidOperationException("Out of distinct ports before the kill.");
            var batch = Enumerable.Range(first, BatchSize).Select(AddressOf).ToArray();
            try
            {
                using var response = await client.PostAsJsonAsync("/api/nodes", new { addresses = batch }, cancellationToken);
                if (response.StatusCode != HttpStatusCode.OK)
                    throw new InvalidOperationException($"A save answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
                _answered.Enqueue(batch);
            }
            catch (HttpRequestException)
            {
                return; // the host is gone; this save was in flight, answered or not
            }
        }
    }

    /// <summary>Every known address, page by page through the cursor.</summary>
    private static async Task<HashSet<string>> ListAllAsync(HttpClient client, int most, CancellationToken cancellationToken)
    {
        const int pageSize = 1000;
        var listed = new List<string>();
        string? after = null;
        for (var pages = 0; pages <= most / pageSize + 1; pages++) // bounded: no more pages than addresses were sent
        {
            var query = after is null ? $"/api/nodes?limit={pageSize}" : $"/api/nodes?limit={pageSize}&after={after}";
            var page = await client.GetFromJsonAsync<NodesPage>(query, cancellationToken);
            listed.AddRange(page!.Items.Select(i => i.Address));
            after = page.Next;
            if (after is null)
            {
                var distinct = listed.ToHashSet();
                Assert.Equal(listed.Count, distinct.Count); // no address on two pages
                return distinct;
            }
        }
        throw new InvalidOperationException($"More pages than the {most} addresses sent can fill.");
    }

    private static async Task<string> IntegrityCheckAsync(string databaseFile, CancellationToken cancellationToken)
    {
        // Its own unpooled connection beside the running host (WAL lets it read), closed at once.
        await using var connection = new SqliteConnection($"Data Source={databaseFile};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check;";
        return (string)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static string AddressOf(int index) => $"ws://127.0.0.1:{FirstPort + index}/peer";
}
