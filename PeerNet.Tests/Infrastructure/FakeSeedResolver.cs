using System.Collections.Concurrent;
using System.Net;
using PeerNet.Gossip.Seeds;

namespace PeerNet.Tests.Infrastructure;

/// <summary>
/// A seed resolver a test controls: answers what it was told for each name (nothing for a name it was not told
/// about), can fail or hang, and counts every lookup. Tests never resolve a real name.
/// </summary>
internal sealed class FakeSeedResolver : ISeedResolver
{
    private readonly ConcurrentDictionary<string, Func<object>> _answers = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.OrdinalIgnoreCase);
    private Func<object>? _fallback;

    /// <summary>From now on <paramref name="host"/> has these A/AAAA records.</summary>
    public FakeSeedResolver Addresses(string host, params string[] ips)
    {
        IReadOnlyList<IPAddress> answer = ips.Select(IPAddress.Parse).ToArray();
        _answers[host] = () => answer;
        return this;
    }

    /// <summary>From now on a name it was not told about has these A/AAAA records (instead of none).</summary>
    public FakeSeedResolver AnyName(params string[] ips)
    {
        IReadOnlyList<IPAddress> answer = ips.Select(IPAddress.Parse).ToArray();
        _fallback = () => answer;
        return this;
    }

    /// <summary>From now on <paramref name="name"/> has these SRV records.</summary>
    public FakeSeedResolver Services(string name, params SrvTarget[] targets)
    {
        IReadOnlyList<SrvTarget> answer = targets;
        _answers[name] = () => answer;
        return this;
    }

    /// <summary>From now on a lookup of <paramref name="name"/> throws <paramref name="error"/>.</summary>
    public FakeSeedResolver Fails(string name, Exception error)
    {
        _answers[name] = () => throw error;
        return this;
    }

    /// <summary>From now on a lookup of <paramref name="name"/> never answers, whatever its token says.</summary>
    public FakeSeedResolver Hangs(string name)
    {
        _answers[name] = () => Hang;
        return this;
    }

    /// <summary>How many lookups of <paramref name="name"/> were made.</summary>
    public int Calls(string name) => _calls.GetValueOrDefault(name);

    public Task<IReadOnlyList<IPAddress>> ResolveAddressesAsync(string host, CancellationToken cancellationToken) =>
        AnswerAsync<IPAddress>(host);

    public Task<IReadOnlyList<SrvTarget>> ResolveServiceAsync(string name, CancellationToken cancellationToken) =>
        AnswerAsync<SrvTarget>(name);

    private static readonly object Hang = new();

    private Task<IReadOnlyList<T>> AnswerAsync<T>(string name)
    {
        _calls.AddOrUpdate(name, 1, (_, n) => n + 1);
        if (!_answers.TryGetValue(name, out var answer) && (answer = _fallback) is null)
            return Task.FromResult<IReadOnlyList<T>>([]);
        try
        {
            var value = answer();
            if (ReferenceEquals(value, Hang))
                return new TaskCompletionSource<IReadOnlyList<T>>().Task;
            return Task.FromResult(value as IReadOnlyList<T> ?? []);
        }
        catch (Exception ex)
        {
            return Task.FromException<IReadOnlyList<T>>(ex);
        }
    }
}
