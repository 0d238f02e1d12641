using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using PeerNet.Gossip.Announcing;
using PeerNet.Protocol.Wire;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Gossip.Announcing;

public sealed class RequestHubTests : IDisposable
{
    private readonly StandaloneTelemetry _telemetry = new();

    public void Dispose() => _telemetry.Dispose();

    private static IncomingRequest Request(int i, string type) =>
        new(new Announce { Id = ByteString.CopyFrom(BitConverter.GetBytes(i)), Hops = 0, Type = ByteString.CopyFromUtf8(type) },
            origin: null!, new RandomSource(1), DateTimeOffset.UnixEpoch);

    [Fact]
    public async Task ASlowSubscriberLosesRequests_CountedPerSubscriber_WithoutHoldingUpTheOthers()
    {
        var hub = new RequestHub(_telemetry.Metrics, _telemetry.Limits, NullLogger<RequestHub>.Instance);
        using var stuck = hub.Subscribe();
        using var keeping = hub.Subscribe();
        var total = RequestHub.SubscriberCapacity + 500;

        var read = 0;
        var reader = Task.Run(async () =>
        {
            await foreach (var _ in keeping.ReadAllAsync())
            {
                if (Interlocked.Increment(ref read) == total)
                    return;
            }
        }, TestContext.Current.CancellationToken);
        for (var i = 0; i < total; i++)
        {
            hub.Publish(Request(i, "t"));
            if (i % 256 == 255)
            {
                // The keeping reader catches up now and then, so only the stuck one can overflow, however slow the machine.
                var published = i + 1;
                await Wait.UntilAsync(() => Volatile.Read(ref read) == published, TimeSpan.FromSeconds(10), "the keeping reader catches up");
            }
        }

        Assert.Equal(500, stuck.Dropped); // its buffer filled; Publish never waited
        await reader.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(total, read);
        Assert.Equal(0, keeping.Dropped);
    }

    [Fact]
    public async Task FiltersByType_AndUnsubscribesOnDispose()
    {
        var hub = new RequestHub(_telemetry.Metrics, _telemetry.Limits, NullLogger<RequestHub>.Instance);
        using var chat = hub.Subscribe("chat");
        var all = hub.Subscribe();
        Assert.Equal(2, hub.Subscribers);

        hub.Publish(Request(1, "chat"));
        hub.Publish(Request(2, "dht"));
        all.Dispose();
        Assert.Equal(1, hub.Subscribers);
        hub.Publish(Request(3, "chat"));

        var got = new List<string?>();
        await foreach (var r in chat.ReadAllAsync(new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token))
        {
            got.Add(r.TypeText + BitConverter.ToInt32(r.Id.Span));
            if (got.Count == 2)
                break;
        }
        Assert.Equal(["chat1", "chat3"], got);
        Assert.Equal(2, await all.ReadAllAsync(TestContext.Current.CancellationToken).CountAsync(cancellationToken: TestContext.Current.CancellationToken)); // what it had before it left, then the end
    }

    [Fact]
    public void SubscribersAreCapped()
    {
        var hub = new RequestHub(_telemetry.Metrics, _telemetry.Limits, NullLogger<RequestHub>.Instance);
        var subscriptions = Enumerable.Range(0, RequestHub.MaxSubscribers).Select(_ => hub.Subscribe()).ToList();
        Assert.Throws<InvalidOperationException>(() => hub.Subscribe());
        subscriptions[0].Dispose();
        using var again = hub.Subscribe(); // room again
        Assert.Equal(RequestHub.MaxSubscribers, hub.Subscribers);
        subscriptions.ForEach(s => s.Dispose());
    }

    [Fact]
    public void OneHandlePerRequest_HoweverManySubscribersSeeIt()
    {
        var handles = new ReplyHandles(TimeProvider.System, new RandomSource(3));
        var request = Request(1, "t");
        var first = handles.Issue(request);
        Assert.Equal(first, handles.Issue(request));
        Assert.Equal(1, handles.Count);
        Assert.True(handles.TryGet(first, out var found) && found == request);
        Assert.False(handles.TryGet("00000000000000000000000000000000", out _));
    }

    [Fact]
    public void AThrowingEventHandlerDoesNotStopDelivery()
    {
        var hub = new RequestHub(_telemetry.Metrics, _telemetry.Limits, NullLogger<RequestHub>.Instance);
        hub.RequestReceived += _ => throw new InvalidOperationException("handler bug");
        using var subscriber = hub.Subscribe();
        hub.Publish(Request(1, "t"));
        var delivered = subscriber.ReadAllAsync(TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);
        Assert.True(delivered.MoveNextAsync().AsTask().IsCompletedSuccessfully); // already buffered
    }
}
