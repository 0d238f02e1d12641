using PeerNet.Protocol;
using PeerNet.Protocol.Wire;

namespace PeerNet.Peers;

/// <summary>
/// One frame in a session's send queue: a <see cref="Protocol.Wire.Message"/> the writer encodes, a response (its
/// <see cref="Announce"/> alone: the Message around it is only a tag and a length), or a control frame the
/// dissemination rule built as bytes (<see cref="ControlFrame"/>), written as it is.
/// </summary>
internal readonly struct OutboundFrame
{
    private readonly object _frame; // a Message, a response's Announce, or a control frame's bytes

    public OutboundFrame(Message message) => _frame = message;

    public OutboundFrame(ControlFrame control) => _frame = control.Array;

    private OutboundFrame(Announce response) => _frame = response;

    /// <summary>A response, written as a Message's response field without a Message object around it.</summary>
    public static OutboundFrame Response(Announce response) => new(response);

    /// <summary>True for an announce request (which may fill the send queue only up to its request room).</summary>
    public bool IsRequest => _frame is Message { KindCase: Message.KindOneofCase.Request };

    /// <summary>Writes the frame, length prefix first; returns the bytes written.</summary>
    public int WriteTo(System.Buffers.IBufferWriter<byte> output) =>
        _frame switch
        {
            Message message => FrameWriter.Write(output, message),
            Announce response => FrameWriter.WriteResponse(output, response),
            _ => FrameWriter.Write(output, (byte[])_frame),
        };

    public static implicit operator OutboundFrame(Message message) => new(message);
}
