using PeerNet.Client;
using PeerNet.Samples.Chat.Peers;

namespace PeerNet.Samples.Chat;

/// <summary>
/// One chat instance: listens on a loopback port, joins the topic with that address through its PeerNet node
/// (renewed until it ends), looks the topic up again and again to dial the other members directly (PeerNet only
/// introduces them), sends each input line to every peer and prints what peers send as <c>name: text</c>.
/// Ends at the end of the input or when cancelled, leaving the topic.
/// </summary>
public sealed class ChatApp(ChatOptions options)
{
    private ChatPeers? _peers;

    /// <summary>This instance's address in the topic, once it runs.</summary>
    public string? Address { get; private set; }

    /// <summary>How many peers it has dialled (it sends to these).</summary>
    public int PeerCount => _peers?.Count ?? 0;

    /// <summary>Runs until <paramref name="input"/> ends or <paramref name="cancellationToken"/> fires; errors of the node's API throw.</summary>
    public async Task RunAsync(TextReader input, TextWriter output, CancellationToken cancellationToken)
    {
        var printer = new ChatOutput(output);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var client = new PeerNetClient(options.Node, options.ApiKey);
        await using var listener = new ChatListener(options, printer);
        listener.Start();
        Address = listener.Address;
        await using var peers = _peers = new ChatPeers(options, printer);
        await using var membership = await client.Topics.StayJoinedAsync(options.Topic, [listener.Address], options.Ttl, stop.Token);
        printer.Note($"{options.Name} joined {options.Topic} as {listener.Address}");
        var discovery = DiscoverAsync(client, peers, listener.Address, stop.Token);
        try
        {
            while (await ReadLineAsync(input, stop.Token) is { } line)
            {
                var text = Text.Clean(line, options.MaxLineBytes);
                if (text.Length > 0)
                    await peers.SendAsync(text, stop.Token);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Ctrl+C: leave as at the end of the input.
        }
        await stop.CancelAsync();
        await discovery;
        printer.Note($"{options.Name} left {options.Topic}");
    }

    private async Task DiscoverAsync(PeerNetClient client, ChatPeers peers, string self, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(options.FindEvery);
        try
        {
            do
            {
                try
                {
                    // One more than the bound: this instance is a member too.
                    await foreach (var member in client.Topics.FindAsync(options.Topic, Math.Min(100, options.MaxPeers + 1), options.FindTimeout, cancellationToken))
                    {
                        if (member.Address != self)
                            await peers.DialAsync(member.Address, cancellationToken);
                    }
                }
                catch (Exception ex) when (ex is PeerNetApiException or HttpRequestException or IOException)
                {
                    // The node refused (a rate limit) or is restarting: the next round tries again.
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    // A console's ReadLineAsync ignores its token: the wait is abandoned on cancel (the process is ending then).
    private static async Task<string?> ReadLineAsync(TextReader input, CancellationToken cancellationToken) =>
        await input.ReadLineAsync(cancellationToken).AsTask().WaitAsync(cancellationToken);
}
