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
                // Most frames of a settled tree (IHAVEs): read in place from a pooled copy, no Message made (the rule
                // keeps nothing of a control frame but copies of ids, so the router hands the buffer back). Unusual
                // ones go to the library below.
                var pooled = System.Buffers.ArrayPool<byte>.Shared.Rent((int)payload.Length);
                payload.CopyTo(pooled);
                var read = WireDecoder.ReadControl(pooled, (int)payload.Length, out var control, out var reason);
                if (read == ControlRead.Plain)
                {
                    _context.Announces.OnControl(Peer, control, pooled: true);
                    continue;
                }
                System.Buffers.ArrayPool<byte>.Shared.Return(pooled);
                if (read == ControlRead.Discard)
                {
                    Discard(reason!);
                    continue;
                }
            }

            // One copy of the frame: what is kept of it (ids, data) are slices of this array.
            var bytes = payload.ToArray();

            // The plain case (one request or response of known fields) is decoded without a Message around it; the
            // rest goes to the library.
            Validation validation;
            if (WireDecoder.TryDecodeAnnounce(bytes, out var isRequest, out var announce))
            {
                validation = MessageValidator.Validate(announce, isRequest, _maxHops);
            }
            else
            {
                Message message;
                try
                {
                    // Unknown fields are skipped as the spec says, and not kept: otherwise a small announce could carry up
                    // to a frame's worth of bytes no field limit checks, held in every queue and cache it reaches.
                    message = WireDecoder.ParseUnusual(bytes);
                }
                catch (InvalidProtocolBufferException ex)
                {
                    return Violation($"frame is not a protobuf Message ({ex.Message})");
                }
                catch (MalformedFrameException ex)
                {
                    return Violation($"frame is malformed ({ex.Message})");
                }
                validation = MessageValidator.Validate(message, _maxHops);
                if (validation.Verdict == Verdict.Accept && message.KindCase == Message.KindOneofCase.Control)
                {
                    DispatchControl(message.Control);
                    continue;
                }
                isRequest = message.KindCase == Message.KindOneofCase.Request;
                announce = isRequest ? message.Request : message.Response;
            }

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

            var close = Dispatch(announce!, isRequest);
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

    /// <summary>A control frame the library parsed (an unusual one): only from a handshaken PeerNet peer that said it sends them.</summary>
    private void DispatchControl(Control control)
    {
        if (!IsHandshaken || (Features & HelloFeatures.ControlFrames) == 0)
            Ignore("control frame from a peer that did not announce control frames");
        else
            _context.Announces.OnControl(Peer, ControlFrame.From(control));
    }

    /// <summary>The one dispatch: _hello to the handshake, _addrs to node exchange, the rest to the announce router.</summary>
    private string? Dispatch(Announce announce, bool isRequest)
    {
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
        _context.Announces.OnAnnounce(Peer, announce, isRequest);
        return null;
    }
}
