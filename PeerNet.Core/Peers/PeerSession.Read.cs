using System.Buffers;
using System.IO.Pipelines;
using Google.Protobuf;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;
using PeerNet.Transport;

namespace PeerNet.Peers;

/// <summary>The read loop: frames (length checked first), parse, limits, then each message to its one handler.</summary>
internal sealed partial class PeerSession
{
    private long _lastReceivedTicks;

    private async Task<string> ReadLoopAsync()
    {
        var input = _connection.Pipe.Input;
        while (true)
        {
            ReadResult result;
            try
            {
                // No token: closing cancels this read (CancelPendingRead in CloseCoreAsync). A token would keep a
                // registration on the closing source alive through every idle wait, one more object per peer.
                result = await input.ReadAsync().ConfigureAwait(false);
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
            if (result.IsCanceled && _closing.IsCancellationRequested)
            {
                input.AdvanceTo(buffer.Start);
                return CloseReason ?? "closed"; // closing: what is still buffered is not handled, as before a close
            }
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
                    _context.Limits.FrameLength.Hit();
                    return Violation($"frame length over the maximum of {_maxFrameLength} bytes");
                case FrameStatus.BadPrefix:
                    return Violation("frame length prefix is not a 32-bit varint");
            }

            // The read loop is these counters' only writer.
            Volatile.Write(ref Counters.FramesIn, Counters.FramesIn + 1);
            Volatile.Write(ref Counters.BytesIn, Counters.BytesIn + before - buffer.Length);
            Volatile.Write(ref _lastReceivedTicks, _context.Time.GetTimestamp());
            if (payload.IsEmpty)
                continue; // keep-alive

            // A control frame is judged before it is parsed (threat L2): a peer that may not send them, or a frame larger
            // than any valid one, costs no parse.
            if (payload.FirstSpan[0] == ControlFrameValidator.Tag)
            {
                if (!IsHandshaken || (Features & HelloFeatures.ControlFrames) == 0)
                {
                    Ignore("control frame from a peer that did not announce control frames");
                    continue;
                }
                if (payload.Length > ControlFrameValidator.MaxFrameBytes)
                {
                    Discard($"control frame of {payload.Length} bytes (max {ControlFrameValidator.MaxFrameBytes})");
                    continue;
                }
            }

            // One copy of the frame: what is kept of it (ids, data) are slices of this array.
            var bytes = payload.ToArray();
            if (bytes[0] == ControlFrameValidator.Tag)
            {
                // Most frames of a settled tree (IHAVEs): read in place, no Message made. Unusual ones go to the library below.
                var read = WireDecoder.ReadControl(bytes, out var control, out var reason);
                if (read == ControlRead.Plain)
                    _context.Announces.OnControl(Peer, control);
                else if (read == ControlRead.Discard)
                    Discard(reason!);
                if (read != ControlRead.Unusual)
                    continue;
            }

            Message message;
            try
            {
                // Unknown fields are skipped as the spec says, and not kept: otherwise a small announce could carry up
                // to a frame's worth of bytes no field limit checks, held in every queue and cache it reaches.
                message = WireDecoder.Parse(bytes);
            }
            catch (InvalidProtocolBufferException ex)
            {
                return Violation($"frame is not a protobuf Message ({ex.Message})");
            }
            catch (MalformedFrameException ex)
            {
                return Violation($"frame is malformed ({ex.Message})");
            }

            var validation = MessageValidator.Validate(message, _maxHops);
            switch (validation.Verdict)
            {
                case Verdict.Violation:
                    return Violation(validation.Reason!);
                case Verdict.Discard:
                    Discard(validation.Reason!);
                    continue;
                case Verdict.Ignore:
                    continue;
            }

            var close = Dispatch(message);
            if (close is not null)
                return close;
        }
    }

    /// <summary>A frame dropped for breaking a field limit: counted, logged at debug, the connection kept.</summary>
    private void Discard(string reason)
    {
        Interlocked.Increment(ref Counters.Discarded);
        _context.Metrics.MessageDropped("field_limit");
        Log.Discarded(_context.Logger, this, reason);
    }

    /// <summary>The one dispatch: _hello to the handshake, _addrs to node exchange, the rest to the announce router.</summary>
    private string? Dispatch(Message message)
    {
        if (message.KindCase == Message.KindOneofCase.Control)
        {
            // The dissemination rule's frames: only from a handshaken PeerNet peer that said it sends them.
            if (!IsHandshaken || (Features & HelloFeatures.ControlFrames) == 0)
                return Ignore("control frame from a peer that did not announce control frames");
            _context.Announces.OnControl(Peer, ControlFrame.From(message.Control)); // an unusual frame the library parsed
            return null;
        }
        var isRequest = message.KindCase == Message.KindOneofCase.Request;
        var announce = isRequest ? message.Request : message.Response;
        if (announce.Type.Equals(MessageTypes.Hello))
            return isRequest ? OnHelloRequest(announce) : OnHelloResponse(announce);

        if (announce.Type.Equals(MessageTypes.Addrs))
        {
            if (isRequest && _helloReceived)
                _context.Exchange.OnAddrsRequest(Peer, announce);
            else if (isRequest)
                Ignore("_addrs request before the peer's _hello");
            else if (IsHandshaken)
                _context.Exchange.OnAddrsResponse(Peer, announce);
            else
                Ignore("_addrs response before the handshake completed");
            return null;
        }

        if (!IsHandshaken)
            return Ignore("message before the handshake completed");
        _context.Announces.OnAnnounce(Peer, message);
        return null;
    }
}
