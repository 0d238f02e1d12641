using System.Text;

namespace PeerNet.Samples.Chat.Peers;

/// <summary>
/// Reads '\n'-ended UTF-8 lines of at most a given length from a stream. By hand because StreamReader.ReadLineAsync
/// buffers a line of any length: a peer that never sends '\n' must not grow our memory.
/// </summary>
internal sealed class LineReader(Stream stream, int maxBytes)
{
    private readonly byte[] _buffer = new byte[maxBytes + 1];
    private int _start;
    private int _end;

    /// <summary>The next line without its ending; null at the end of the stream. A line past the bound throws <see cref="InvalidDataException"/>.</summary>
    public async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                var line = Encoding.UTF8.GetString(_buffer, _start, newline - _start).TrimEnd('\r');
                _start = newline + 1;
                return line;
            }
            if (_start > 0)
            {
                // Move the partial line to the front to make room.
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            if (_end == _buffer.Length)
                throw new InvalidDataException($"a line longer than {maxBytes} bytes");
            var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            if (read == 0)
                return null;
            _end += read;
        }
    }
}
