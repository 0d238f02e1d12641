using PeerNet.Protocol;
using PeerNet.Gossip.Dissemination;
using PeerNet.Protocol.Wire;

namespace PeerNet.Simulation;

/// <summary>
/// A discrete-event queue in virtual time: timers and message deliveries run in time order, ties in the order they
/// were queued (so frames on one link keep their order). Single-threaded, like the routers it drives.
/// </summary>
public sealed class VirtualScheduler : IGossipScheduler
{
    private readonly PriorityQueue<Event, (long Ticks, long Sequence)> _queue = new(EventOrder.Instance);
    private long _sequence;

    /// <summary>Virtual time: the time of the event being run (or of the last one).</summary>
    public TimeSpan Now { get; private set; }

    /// <summary>Events waiting.</summary>
    public int Pending => _queue.Count;

    /// <summary>Events run so far.</summary>
    public long Processed { get; private set; }

    /// <inheritdoc />
    public void Schedule(TimeSpan delay, Action callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        Enqueue(delay, new Event(callback, null, null));
    }

    /// <summary>Delivers <paramref name="message"/> through <paramref name="link"/> (the receiver's link to the sender) after <paramref name="delay"/>.</summary>
    internal void Deliver(TimeSpan delay, SimulatedLink link, Message message) => Enqueue(delay, new Event(null, link, message));

    /// <summary>Delivers the control frame <paramref name="frame"/> through <paramref name="link"/> after <paramref name="delay"/>.</summary>
    internal void Deliver(TimeSpan delay, SimulatedLink link, ControlFrame frame) => Enqueue(delay, new Event(null, link, frame.Array));

    /// <summary>Runs events until none is left (or <paramref name="maxEvents"/> ran); returns how many ran.</summary>
    public long RunUntilIdle(long maxEvents = long.MaxValue)
    {
        long ran = 0;
        while (ran < maxEvents && _queue.TryDequeue(out var next, out var at))
        {
            Now = new TimeSpan(at.Ticks);
            ran++;
            Processed++;
            if (next.Callback is not null)
                next.Callback();
            else if (next.Frame is Message message)
                next.Link!.Receive(message);
            else
                next.Link!.Receive(new ControlFrame((byte[])next.Frame!));
        }
        return ran;
    }

    /// <summary>Runs the events due within <paramref name="duration"/> from now, then moves the clock to its end.</summary>
    public void RunFor(TimeSpan duration)
    {
        var end = Now + duration;
        while (_queue.TryPeek(out _, out var at) && at.Ticks <= end.Ticks)
            RunUntilIdle(maxEvents: 1);
        Now = end;
    }

    private void Enqueue(TimeSpan delay, Event e)
    {
        if (delay < TimeSpan.Zero)
            delay = TimeSpan.Zero;
        _queue.Enqueue(e, ((Now + delay).Ticks, _sequence++));
    }

    /// <summary>A timer callback, or a frame arriving over a link (no closure per frame).</summary>
    private readonly record struct Event(Action? Callback, SimulatedLink? Link, object? Frame); // a Message or a control frame's bytes

    private sealed class EventOrder : IComparer<(long Ticks, long Sequence)>
    {
        public static readonly EventOrder Instance = new();

        public int Compare((long Ticks, long Sequence) x, (long Ticks, long Sequence) y) =>
            x.Ticks != y.Ticks ? x.Ticks.CompareTo(y.Ticks) : x.Sequence.CompareTo(y.Sequence);
    }
}
