namespace PeerNet.Gossip.Announcing;

/// <summary>
/// Opaque handles for incoming requests handed to out-of-process applications (the REST API's request stream), so
/// that they can answer later by handle. Bounded by count and age: a handle of a request long gone, or one pushed
/// out by newer ones, is unknown. Thread-safe.
/// </summary>
public sealed class ReplyHandles(TimeProvider time, RandomSource random, PeerNetLimits? limits = null)
{
    /// <summary>Most handles kept; the oldest go first.</summary>
    public const int Capacity = PeerNetLimits.ReplyHandleCapacity;

    /// <summary>How long a handle can be answered.</summary>
    public static readonly TimeSpan Ttl = TimeSpan.FromMinutes(2);

    private readonly Lock _gate = new();
    private readonly ExpiringCache<string, IncomingRequest> _handles = new(Capacity, Ttl) { Bound = limits?.ReplyHandles };
    private readonly long _started = time.GetTimestamp();

    /// <summary>Handles issued and still answerable.</summary>
    public int Count
    {
        get { lock (_gate) return _handles.Count; }
    }

    /// <summary>Issues a handle (32 lowercase hex characters) for <paramref name="request"/>.</summary>
    /// <remarks>One handle per request, however many subscribers see it: they cannot push each other's handles out.</remarks>
    public string Issue(IncomingRequest request)
    {
        lock (_gate)
        {
            if (request.Handle is { } issued)
                return issued;
            Span<byte> bytes = stackalloc byte[16];
            random.NextBytes(bytes);
            var handle = Convert.ToHexStringLower(bytes);
            _handles.Set(handle, request, time.GetElapsedTime(_started));
            request.Handle = handle;
            return handle;
        }
    }

    /// <summary>The request behind <paramref name="handle"/>, unless it is unknown or expired.</summary>
    public bool TryGet(string handle, out IncomingRequest request)
    {
        lock (_gate)
            return _handles.TryGetValue(handle, time.GetElapsedTime(_started), out request);
    }
}
