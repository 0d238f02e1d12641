namespace PeerNet.Storage;

/// <summary>
/// One random sample of recently verified addresses per <see cref="PeerNetLimits.SampleWindow"/>: every call within the
/// window gets (the first n of) the same sample, shuffled once, so callers cannot page through the table by asking
/// again and the store is queried once per window whatever the request rate. Thread-safe.
/// </summary>
internal sealed class VerifiedSampleCache(PeerStore store, TimeProvider time, RandomSource random)
{
    private readonly Lock _gate = new();
    private Task<string[]>? _sample;
    private long _takenAt;

    /// <summary>Up to <paramref name="count"/> addresses of the current window's sample.</summary>
    public async Task<IReadOnlyList<string>> GetAsync(int count, CancellationToken cancellationToken)
    {
        Task<string[]> sample;
        lock (_gate)
        {
            // A failed draw is not served for the rest of its window: the next call draws again.
            if (_sample is null || _sample.IsFaulted || _sample.IsCanceled || time.GetElapsedTime(_takenAt) >= PeerNetLimits.SampleWindow)
            {
                _takenAt = time.GetTimestamp();
                _sample = DrawAsync();
            }
            sample = _sample;
        }
        var addresses = await sample.WaitAsync(cancellationToken).ConfigureAwait(false);
        return addresses.Length <= count ? addresses : addresses[..count];
    }

    private async Task<string[]> DrawAsync()
    {
        await Task.Yield(); // not under the caller's lock
        // Not the caller's token: the sample is everyone's for the window.
        var since = time.GetUtcNow() - PeerNode.VerifiedWithin;
        var addresses = (await store.SampleVerifiedAsync(PeerNetLimits.MaxSampleSize, since, CancellationToken.None).ConfigureAwait(false)).ToArray();
        // The store's sample is a run of the ring; shuffled, any first n of it is as random as the whole.
        for (var i = addresses.Length - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (addresses[i], addresses[j]) = (addresses[j], addresses[i]);
        }
        return addresses;
    }
}
