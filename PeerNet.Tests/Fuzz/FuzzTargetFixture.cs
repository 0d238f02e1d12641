using PeerNet.Fuzz.Targets;

namespace PeerNet.Tests.Fuzz;

/// <summary>One instance of each fuzz target for <see cref="FuzzTargetTests"/>: a session target starts a node and its store.</summary>
public sealed class FuzzTargetFixture : IDisposable
{
    private readonly Dictionary<string, IFuzzTarget> _targets = [];

    public IFuzzTarget this[string name]
    {
        get
        {
            lock (_targets)
            {
                if (!_targets.TryGetValue(name, out var target))
                    _targets[name] = target = FuzzTargets.Create(name);
                return target;
            }
        }
    }

    public HelloTarget Hello => (HelloTarget)this["hello"];

    public AddrsTarget Addrs => (AddrsTarget)this["addrs"];

    public void Dispose()
    {
        foreach (var target in _targets.Values)
            target.Dispose();
    }
}
