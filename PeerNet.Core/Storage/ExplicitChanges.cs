namespace PeerNet.Storage;

/// <summary>
/// The explicit addresses a batch added and removed, not yet committed: the batch sees them, the
/// <see cref="RingIndex"/> (which readers walk) gets them once the commit is done.
/// </summary>
internal sealed class ExplicitChanges
{
    private readonly Dictionary<long, long> _added = [];
    private readonly HashSet<long> _removed = [];
    private RingEntry[] _entries = [];
    private long[] _keys = [];

    /// <summary>The row id of <paramref name="ring"/> as of this batch so far: its own changes first, then the index.</summary>
    public bool TryGetId(long ring, RingIndex index, out long id)
    {
        if (_added.TryGetValue(ring, out id))
            return true;
        if (_removed.Contains(ring))
        {
            id = 0;
            return false;
        }
        return index.TryGetId(ring, out id);
    }

    public void Added(long ring, long id) => _added[ring] = id;

    /// <summary>A ring removed: from this batch's additions if it was one, else (too) from the index at commit.</summary>
    public void Removed(long ring)
    {
        // Added earlier in this batch: the row never reaches the index. It may also be indexed from before (removed, then
        // saved again in this batch), which the removal set already holds.
        if (!_added.Remove(ring))
            _removed.Add(ring);
    }

    /// <summary>Moves the changes into <paramref name="index"/> (removals first: a ring removed and saved again ends up saved).</summary>
    public void ApplyTo(RingIndex index)
    {
        if (_removed.Count > 0)
        {
            var rings = _removed.ToArray();
            index.RemoveRange(rings);
        }
        if (_added.Count > 0)
        {
            if (_entries.Length < _added.Count)
            {
                _entries = new RingEntry[_added.Count];
                _keys = new long[_added.Count];
            }
            var n = 0;
            foreach (var (ring, id) in _added)
            {
                _keys[n] = ring;
                _entries[n++] = new RingEntry(ring, id);
            }
            // In ring order, the inserts walk the index's runs from one end to the other.
            Array.Sort(_keys, _entries, 0, n);
            index.AddRange(_entries.AsSpan(0, n));
        }
        Clear();
    }

    public void Clear()
    {
        _added.Clear();
        _removed.Clear();
    }
}
