using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Channels;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using PeerNet.Addressing;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;
using PeerNet.Transport;

namespace PeerNet.Peers;

/// <summary>
/// One connection to a peer: the read loop (frames, limits, dispatch), the bounded send queue and its single
/// writer loop, the _hello handshake, keep-alive, and closing once. No other code touches the connection.
/// </summary>
public sealed partial class PeerSession
{
    private readonly PeerConnection _connection;
    private readonly IPeerSessionOwner _owner;
    private readonly ILogger _logger;
    private readonly Channel<Message> _queue;
    private readonly CancellationTokenSource _closing = new();
    private readonly TaskCompletionSource _handshake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ByteString _helloId;
    private readonly int _maxFrameLength;
    private readonly int _maxHops;
    private Task? _closed;
    private Task? _writer;
    private bool _helloReceived;
    private bool _helloConfirmed;
    private long _lastReceivedTicks;
    private long _lastSentTicks;
    private int _exchangeBusy;
    private PeerConnectFailure _failure = PeerConnectFailure.HandshakeFailed;

    internal PeerSession(PeerConnection connection, PeerDirection direction, PeerAddress? address, IPeerSessionOwner owner, ILogger logger)
    {
        _connection = connection;
        _owner = owner;
        _logger = logger;
        Direction = direction;
        Address = address;
        var options = owner.Options;
        _maxFrameLength = options.MaxFrameLength;
        _maxHops = options.MaxHops;
        _queue = Channel.CreateBounded<Message>(new BoundedChannelOptions(options.SendQueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _helloId = Messages.NewId(owner.Random);
        ConnectedAt = owner.Time.GetUtcNow();
        _lastReceivedTicks = _lastSentTicks = owner.Time.GetTimestamp();
    }

    /// <summary>Who dialled.</summary>
    public PeerDirection Direction { get; }

    /// <summary>The address dialled (outbound sessions); null for inbound ones.</summary>
    public PeerAddress? Address { get; }

    /// <summary>The peer's node id, once its _hello request has arrived.</summary>
    public NodeId? RemoteId { get; private set; }

    /// <summary>True when the peer's _hello carried the PeerNet extension.</summary>
    public bool IsPeerNet { get; private set; }

    /// <summary>The features a PeerNet peer announced.</summary>
    public HelloFeatures Features { get; private set; }

    /// <summary>When the connection opened.</summary>
    public DateTimeOffset ConnectedAt { get; }

    /// <summary>When the handshake completed.</summary>
    public DateTimeOffset? HandshakenAt { get; private set; }

    /// <summary>True once the handshake is complete and the owner accepted the peer.</summary>
    public bool IsHandshaken => _handshake.Task.IsCompletedSuccessfully;

    /// <summary>Completes when the handshake does; fails with <see cref="PeerConnectException"/> when the session closes first.</summary>
    public Task Handshake => _handshake.Task;

    /// <summary>True once the session is closing or closed.</summary>
    public bool IsClosed => Volatile.Read(ref _closed) is not null;

    /// <summary>Why the session closed, once it has.</summary>
    public string? CloseReason { get; private set; }

    /// <summary>The transport's name (ws, wss, tcp, stream).</summary>
    public string Transport => _connection.Transport;

    /// <summary>The peer's network address, when known.</summary>
    public System.Net.EndPoint? RemoteEndPoint => _connection.RemoteEndPoint;

    /// <summary>Traffic and trouble counters.</summary>
    public PeerCounters Counters { get; } = new();

    /// <summary>Runs the session until it closes: sends _hello, reads, writes, keeps alive.</summary>
    internal async Task RunAsync()
    {
        _writer = WriteLoopAsync();
        _queue.Writer.TryWrite(Messages.HelloRequest(_helloId, _owner.Self, _owner.Extension));
        var watchdog = WatchAsync();
        string reason;
        try
        {
            reason = await ReadLoopAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            reason = $"read failed: {ex.Message}";
            Log.ReadFailed(_logger, ex, this);
        }
        await CloseAsync(reason).ConfigureAwait(false);
        await watchdog.ConfigureAwait(false);
    }

    /// <summary>
    /// Queues traffic this node forwards for others. Never waits: when the peer's queue is full the message is
    /// dropped and counted, so a slow peer cannot stall the rest.
    /// </summary>
    public bool TrySend(Message message)
    {
        if (_queue.Writer.TryWrite(message))
            return true;
        if (_closed is null)
        {
            var dropped = Interlocked.Increment(ref Counters.Dropped);
            Log.SendDropped(_logger, this, dropped);
        }
        return false;
    }

    /// <summary>Queues a message when there is room, without counting a drop when there is none.</summary>
    internal bool TryEnqueue(Message message) => _queue.Writer.TryWrite(message);

    /// <summary>
    /// Queues traffic this node originates, waiting for room in the peer's queue (honouring cancellation).
    /// Returns false when the session has closed.
    /// </summary>
    public async ValueTask<bool> SendAsync(Message message, CancellationToken cancellationToken = default)
    {
        try
        {
            await _queue.Writer.WriteAsync(message, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ChannelClosedException)
        {
            return false;
        }
    }

    /// <summary>Closes the session (first caller's reason wins); later callers wait for the same close.</summary>
    public Task CloseAsync(string reason)
    {
        var close = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var existing = Interlocked.CompareExchange(ref _closed, close.Task, null);
        if (existing is not null)
            return existing;
        _ = CloseCoreAsync(reason, close);
        return close.Task;
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"{Direction.ToString().ToLowerInvariant()} {Transport} {(Address?.Value ?? RemoteEndPoint?.ToString() ?? "?")} [{RemoteId?.ToString() ?? "no hello"}]";

    private async Task CloseCoreAsync(string reason, TaskCompletionSource done)
    {
        CloseReason = reason;
        Log.Closing(_logger, this, reason);
        _queue.Writer.TryComplete();
        _closing.Cancel();
        _handshake.TrySetException(new PeerConnectException(Address?.Value ?? "inbound peer", _failure, reason));
        _handshake.Task.Exception?.Handle(_ => true); // observed here: nobody may be awaiting an inbound handshake
        try
        {
            if (_writer is not null)
                await _writer.ConfigureAwait(false);
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.CloseFailed(_logger, ex, this);
        }
        finally
        {
            _owner.OnClosed(this, reason);
            done.TrySetResult();
        }
    }

    private async Task<string> ReadLoopAsync()
    {
        var input = _connection.Pipe.Input;
        while (true)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync(_closing.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return CloseReason ?? "closed";
            }
            catch (PeerProtocolException ex)
            {
                return Violation(ex.Message);
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
            {
                return $"connection lost: {ex.Message}";
            }

            var buffer = result.Buffer;
            string? end = null;
            try
            {
                end = ReadFrames(ref buffer);
                if (end is null && (result.IsCompleted || result.IsCanceled))
                    end = result.IsCanceled ? CloseReason ?? "closed" : buffer.IsEmpty ? "peer closed the connection" : "peer closed the connection mid-frame";
            }
            finally
            {
                input.AdvanceTo(buffer.Start, buffer.End);
            }
            if (end is not null)
                return end;
        }
    }

    /// <summary>Handles every whole frame in the buffer; returns a close reason on a violation.</summary>
    private string? ReadFrames(ref ReadOnlySequence<byte> buffer)
    {
        while (true)
        {
            var before = buffer.Length;
            switch (FrameReader.TryReadFrame(ref buffer, _maxFrameLength, out var payload))
            {
                case FrameStatus.Incomplete:
                    return null;
                case FrameStatus.Oversize:
                    return Violation($"frame length over the maximum of {_maxFrameLength} bytes");
                case FrameStatus.BadPrefix:
                    return Violation("frame length prefix is not a 32-bit varint");
            }

            Interlocked.Increment(ref Counters.FramesIn);
            Interlocked.Add(ref Counters.BytesIn, before - buffer.Length);
            Volatile.Write(ref _lastReceivedTicks, _owner.Time.GetTimestamp());
            if (payload.IsEmpty)
                continue; // keep-alive

            Message message;
            try
            {
                message = WireParser.ParseFrom(payload);
            }
            catch (InvalidProtocolBufferException ex)
            {
                return Violation($"frame is not a protobuf Message ({ex.Message})");
            }

            var validation = MessageValidator.Validate(message, _maxHops);
            switch (validation.Verdict)
            {
                case Verdict.Violation:
                    return Violation(validation.Reason!);
                case Verdict.Discard:
                    Interlocked.Increment(ref Counters.Discarded);
                    Log.Discarded(_logger, this, validation.Reason!);
                    continue;
                case Verdict.Ignore:
                    continue;
            }

            var close = Dispatch(message);
            if (close is not null)
                return close;
        }
    }

    private string? Dispatch(Message message)
    {
        if (message.KindCase == Message.KindOneofCase.Control)
        {
            // The dissemination rule's frames: only from a handshaken PeerNet peer that said it sends them.
            if (!IsHandshaken || !Features.HasFlag(HelloFeatures.ControlFrames))
                return Ignore("control frame from a peer that did not announce control frames");
            _owner.OnMessage(this, message);
            return null;
        }
        var isRequest = message.KindCase == Message.KindOneofCase.Request;
        var announce = isRequest ? message.Request : message.Response;
        if (announce.Type.Equals(MessageTypes.Hello))
            return isRequest ? OnHelloRequest(announce) : OnHelloResponse(announce);

        if (isRequest && announce.Type.Equals(MessageTypes.Addrs))
        {
            OnAddrsRequest(announce);
            return null;
        }

        if (!IsHandshaken)
            return Ignore("message before the handshake completed");
        _owner.OnMessage(this, message);
        return null;
    }

    private string? OnHelloRequest(Announce hello)
    {
        // The original relays others' _hello requests one hop on: only the peer's own (hops 0) counts.
        if (hello.Hops != 0)
            return Ignore("relayed _hello request");
        if (_helloReceived)
            return Ignore("second _hello request");
        if (hello.Data.Length < ProtocolLimits.NodeIdLength)
            return Violation($"_hello request data of {hello.Data.Length} bytes has no 16-byte node id");

        _helloReceived = true;
        RemoteId = NodeId.Read(hello.Data.Span);
        if (HelloExtension.TryRead(hello.Data.Span, out var extension))
        {
            IsPeerNet = true;
            Features = extension.Features;
        }
        if (RemoteId == _owner.Self)
        {
            _failure = PeerConnectFailure.Self;
            return $"dialled itself: the peer's node id {RemoteId} is this node's";
        }

        _queue.Writer.TryWrite(Messages.HelloResponse(Messages.NewId(_owner.Random), hello.Id, _owner.Self));
        return CompleteHandshakeIfReady();
    }

    private string? OnHelloResponse(Announce hello)
    {
        // Only the first answer to our own _hello confirms; the original also relays its other peers' answers.
        if (_helloConfirmed || !hello.Reply.Equals(_helloId))
            return Ignore("unsolicited _hello response");
        _helloConfirmed = true;
        return CompleteHandshakeIfReady();
    }

    private string? CompleteHandshakeIfReady()
    {
        if (!_helloReceived || !_helloConfirmed || _handshake.Task.IsCompleted)
            return null;
        var refusal = _owner.OnHandshake(this);
        if (refusal is not null)
        {
            _failure = refusal.Failure;
            return refusal.Reason;
        }
        HandshakenAt = _owner.Time.GetUtcNow();
        _handshake.TrySetResult();
        Log.Handshaken(_logger, this, IsPeerNet);
        return null;
    }

    private void OnAddrsRequest(Announce request)
    {
        // Answered only for the peer itself (hops 0), and once its _hello arrived: the original asks right after
        // its _hello, before it answers ours.
        if (request.Hops != 0)
        {
            Ignore("relayed _addrs request");
            return;
        }
        if (!_helloReceived)
        {
            Ignore("_addrs request before the peer's _hello");
            return;
        }
        // One answer in flight per peer: a peer flooding requests gets the rest dropped, not a task each.
        if (Interlocked.CompareExchange(ref _exchangeBusy, 1, 0) != 0)
        {
            Ignore("_addrs request while the previous one is being answered");
            return;
        }
        _ = AnswerAddrsAsync(request);
    }

    private async Task AnswerAddrsAsync(Announce request)
    {
        try
        {
            var count = Messages.RequestedAddressCount(request.Data, ProtocolLimits.MaxAddressesPerAnswer);
            var addresses = await _owner.PickAddressesAsync(count, _closing.Token).ConfigureAwait(false);
            var sent = 0;
            foreach (var address in addresses)
            {
                var response = Messages.AddrsResponse(Messages.NewId(_owner.Random), request.Id, request.Limit, address);
                if (!await SendAsync(response, _closing.Token).ConfigureAwait(false))
                    break;
                sent++;
            }
            _owner.OnAddressesSent(this, sent);
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            Log.ExchangeAnswerFailed(_logger, ex, this);
        }
        finally
        {
            Volatile.Write(ref _exchangeBusy, 0);
        }
    }

    private async Task WriteLoopAsync()
    {
        var output = _connection.Pipe.Output;
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_closing.Token).ConfigureAwait(false))
            {
                var frames = 0;
                long bytes = 0;
                while (frames < ProtocolLimits.MaxFramesPerFlush && reader.TryRead(out var message))
                {
                    bytes += FrameWriter.Write(output, message);
                    frames++;
                }
                Interlocked.Add(ref Counters.FramesOut, frames);
                Interlocked.Add(ref Counters.BytesOut, bytes);
                Volatile.Write(ref _lastSentTicks, _owner.Time.GetTimestamp());
                var flush = await output.FlushAsync(_closing.Token).ConfigureAwait(false);
                if (flush.IsCompleted || flush.IsCanceled)
                    break;
            }
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            _ = CloseAsync($"write failed: {ex.Message}");
        }
    }

    /// <summary>Handshake deadline, then (on transports without their own) keep-alive frames and the silence limit.</summary>
    private async Task WatchAsync()
    {
        var time = _owner.Time;
        var options = _owner.Options;
        try
        {
            var handshake = _handshake.Task;
            var deadline = Task.Delay(TimeSpan.FromMilliseconds(options.HandshakeTimeout), time, _closing.Token);
            if (await Task.WhenAny(handshake, deadline).ConfigureAwait(false) == deadline && !handshake.IsCompleted)
            {
                await deadline.ConfigureAwait(false); // throws when closing
                _failure = PeerConnectFailure.Timeout;
                _ = CloseAsync($"handshake timeout: no handshake within {options.HandshakeTimeout} ms");
                return;
            }
            if (!handshake.IsCompletedSuccessfully || _connection.KeepAlive != KeepAliveMode.Frames)
                return;

            var interval = TimeSpan.FromMilliseconds(options.KeepAliveInterval);
            using var timer = new PeriodicTimer(interval, time);
            while (await timer.WaitForNextTickAsync(_closing.Token).ConfigureAwait(false))
            {
                if (time.GetElapsedTime(Volatile.Read(ref _lastReceivedTicks)) > interval * options.KeepAliveMisses)
                {
                    _ = CloseAsync($"silent for over {options.KeepAliveMisses} keep-alive intervals");
                    return;
                }
                if (time.GetElapsedTime(Volatile.Read(ref _lastSentTicks)) >= interval)
                    TrySend(KeepAliveMessage);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static readonly Message KeepAliveMessage = new(); // encodes as the empty frame 0x00

    // Unknown fields are skipped as the spec says, and not kept: otherwise a small announce could carry up to a
    // frame's worth of bytes no field limit checks, held in every queue and cache the message reaches.
    private static readonly MessageParser<Message> WireParser = Message.Parser.WithDiscardUnknownFields(true);

    private string Violation(string reason)
    {
        Interlocked.Increment(ref Counters.Violations);
        Log.Violation(_logger, this, reason);
        return "protocol violation: " + reason;
    }

    private string? Ignore(string reason)
    {
        Interlocked.Increment(ref Counters.Unsolicited);
        Log.Ignored(_logger, this, reason);
        return null;
    }

    private static partial class Log
    {
        // Event ids 200-299 belong to peer sessions. Next free: 210.
        [LoggerMessage(200, LogLevel.Debug, "Peer {Peer}: handshake complete (PeerNet node: {IsPeerNet})")]
        public static partial void Handshaken(ILogger logger, PeerSession peer, bool isPeerNet);

        [LoggerMessage(201, LogLevel.Debug, "Peer {Peer}: closing: {Reason}")]
        public static partial void Closing(ILogger logger, PeerSession peer, string reason);

        [LoggerMessage(202, LogLevel.Debug, "Peer {Peer}: protocol violation: {Reason}")]
        public static partial void Violation(ILogger logger, PeerSession peer, string reason);

        [LoggerMessage(203, LogLevel.Debug, "Peer {Peer}: discarded a message: {Reason}")]
        public static partial void Discarded(ILogger logger, PeerSession peer, string reason);

        [LoggerMessage(204, LogLevel.Debug, "Peer {Peer}: ignored: {Reason}")]
        public static partial void Ignored(ILogger logger, PeerSession peer, string reason);

        [LoggerMessage(205, LogLevel.Debug, "Peer {Peer}: send queue full, dropped a forwarded message ({Dropped} so far)")]
        public static partial void SendDropped(ILogger logger, PeerSession peer, long dropped);

        [LoggerMessage(206, LogLevel.Warning, "Peer {Peer}: read loop failed")]
        public static partial void ReadFailed(ILogger logger, Exception exception, PeerSession peer);

        [LoggerMessage(207, LogLevel.Debug, "Peer {Peer}: closing the connection failed")]
        public static partial void CloseFailed(ILogger logger, Exception exception, PeerSession peer);

        [LoggerMessage(208, LogLevel.Debug, "Peer {Peer}: answering _addrs failed")]
        public static partial void ExchangeAnswerFailed(ILogger logger, Exception exception, PeerSession peer);
    }
}
