using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PeerNet.Samples.Chat.Peers;

/// <summary>
/// The instances this one dialled (at most <see cref="ChatOptions.MaxPeers"/>): it sends its lines to each. Every
/// instance dials every member it finds, so each pair has a connection each way and a line goes out once per peer.
/// Only loopback addresses are dialled: a topic's members are whatever anyone registered, and this sample stays on
/// the machine.
/// </summary>
internal sealed class ChatPeers(ChatOptions options, ChatOutput output) : IAsyncDisposable
{
    private static readonly TimeSpan DialTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(2);
    private readonly ConcurrentDictionary<string, TcpClient> _peers = new(StringComparer.Ordinal);

    public int Count => _peers.Count;

    /// <summary>Dials <paramref name="address"/> unless it is connected, not a loopback tcp:// address, or the bound is reached.</summary>
    public async Task DialAsync(string address, CancellationToken cancellationToken)
    {
        if (_peers.ContainsKey(address) || _peers.Count >= options.MaxPeers || Parse(address) is not { } endpoint)
            return;
        var client = new TcpClient(AddressFamily.InterNetwork) { NoDelay = true };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(DialTimeout);
            await client.ConnectAsync(endpoint, timeout.Token);
            await client.GetStream().WriteAsync(Encoding.UTF8.GetBytes(options.Name + "\n"), timeout.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException)
        {
            client.Dispose(); // gone or not there yet: the next lookup tries again
            return;
        }
        if (_peers.TryAdd(address, client))
            output.Note($"connected to {address}");
        else
            client.Dispose();
    }

    /// <summary>Sends <paramref name="line"/> to every peer; a peer that cannot take it within the send timeout is dropped.</summary>
    public async Task SendAsync(string line, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(line + "\n");
        await Task.WhenAll(_peers.Select(peer => SendAsync(peer.Key, peer.Value, bytes, cancellationToken)));
    }

    public ValueTask DisposeAsync()
    {
        foreach (var address in _peers.Keys)
        {
            if (_peers.TryRemove(address, out var client))
                client.Dispose();
        }
        return ValueTask.CompletedTask;
    }

    private async Task SendAsync(string address, TcpClient client, byte[] bytes, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(SendTimeout);
            await client.GetStream().WriteAsync(bytes, timeout.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
            if (_peers.TryRemove(new KeyValuePair<string, TcpClient>(address, client)))
            {
                client.Dispose();
                output.Note($"lost {address}");
            }
        }
    }

    private static IPEndPoint? Parse(string address) =>
        Uri.TryCreate(address, UriKind.Absolute, out var uri) && uri.Scheme == "tcp" && uri.Port > 0
            && IPAddress.TryParse(uri.Host, out var ip) && IPAddress.IsLoopback(ip) && ip.AddressFamily == AddressFamily.InterNetwork
            ? new IPEndPoint(ip, uri.Port)
            : null;
}
