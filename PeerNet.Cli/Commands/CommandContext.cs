using System.CommandLine;
using PeerNet.Cli.Output;
using PeerNet.Client;

namespace PeerNet.Cli.Commands;

/// <summary>What one running command has: its parsed line, a client of the node, where to print, and its cancellation.</summary>
internal sealed record CommandContext(ParseResult Parse, PeerNetClient Client, Printer Printer, CancellationToken CancellationToken)
{
    public T Get<T>(Option<T> option) => Parse.GetValue(option)!;

    public T Get<T>(Argument<T> argument) => Parse.GetValue(argument)!;
}
