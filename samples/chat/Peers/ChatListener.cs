using System.Net;
using System.Net.Sockets;

namespace PeerNet.Samples.Chat.Peers;

/// <summary>
/// Accepts other instances on a loopback port and prints what they send. Each connection sends its sender's name on
/// its first line, then one message per line. At most <see cref="ChatOptions.MaxPeers"/> at once; more are closed.
/// </summary>
internal sealed class ChatListener : IAsyncDisposable
{
    private const int MaxNameChars = 32;
    private readonly TcpListener _listener;
    private readonly ChatOptions _options;
    private readonly ChatOutput _output;
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _readers = [];
    private Task _accepting = Task.CompletedTask;

    public ChatListener(ChatOptions options, ChatOutput output)
    {
        _options = options;
        _output = output;
        _slots = new SemaphoreSlim(options.MaxPeers);
        _listener = new TcpListener(IPAddress.Loopback, options.Port);
    }

    /// <summary>This instance's address in the topic, once started.</summary>
    public string Address { get; private set; } = "";

    public void Start()
    {
        _listener.Start(backlog: _options.MaxPeers);
        Address = $"tcp://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _accepting = AcceptAsync(_stop.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        Task[] readers;
        lock (_readers)
            readers = [.. _readers];
        await Task.WhenAll(readers);
        _stop.Dispose();
        _slots.Dispose();
    }

    private async Task AcceptAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            if (!_slots.Wait(0))
            {
                client.Dispose(); // full: the bound holds, the peer may dial again later
                continue;
            }
            var reader = ReadAsync(client, cancellationToken);
            lock (_readers)
            {
                _readers.RemoveAll(t => t.IsCompleted);
                _readers.Add(reader);
            }
        }
    }

    private async Task ReadAsync(TcpClient client, CancellationToken cancellationToken)
    {
        try
        {
            using (client)
            {
                var lines = new LineReader(client.GetStream(), _options.MaxLineBytes);
                var name = await lines.ReadLineAsync(cancellationToken) is { } first ? Text.Clean(first, MaxNameChars * 4) : null;
                if (string.IsNullOrEmpty(name))
                    return;
                name = name.Length > MaxNameChars ? name[..MaxNameChars] : name;
                while (await lines.ReadLineAsync(cancellationToken) is { } line)
                    _output.Message(name, Text.Clean(line, _options.MaxLineBytes));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidDataException or SocketException or ObjectDisposedException)
        {
            // The peer left, broke the rules (a line too long) or we are stopping: its connection is closed either way.
        }
        finally
        {
            _slots.Release();
        }
    }
}
