using System.CommandLine;

namespace PeerNet.Samples.Chat;

/// <summary>The console entry point: <c>--node URL --name NAME</c>, then chat on standard input and output.</summary>
internal static class Program
{
    // Named, not top-level statements: a global Program would clash with the host's in the tests, which see both.
    private static Task<int> Main(string[] args)
    {
        var node = new Option<Uri>("--node")
        {
            Description = "The REST URL of this instance's PeerNet node.",
            DefaultValueFactory = _ => new Uri("http://localhost:5000"),
            CustomParser = ParseUrl,
        };
        var name = new Option<string>("--name") { Description = "The name shown before your lines.", DefaultValueFactory = _ => Environment.UserName };
        var apiKey = new Option<string?>("--api-key") { Description = "The node's API key, when it has one (env PEERNET_API_KEY)." };
        var port = new Option<int>("--port") { Description = "The loopback port to listen on (default: any free one)." };
        var root = new RootCommand("A small chat: instances find each other through the PeerNet topic 'chat' and talk directly over loopback TCP.")
        {
            node, name, apiKey, port,
        };
        root.SetAction(async (parse, cancellationToken) =>
        {
            var options = new ChatOptions
            {
                Node = parse.GetValue(node)!,
                Name = parse.GetValue(name)!,
                ApiKey = parse.GetValue(apiKey) ?? Environment.GetEnvironmentVariable("PEERNET_API_KEY"),
                Port = parse.GetValue(port),
            };
            try
            {
                await new ChatApp(options).RunAsync(Console.In, Console.Out, cancellationToken);
                return 0;
            }
            catch (Exception ex) when (ex is PeerNet.Client.PeerNetApiException or HttpRequestException)
            {
                await Console.Error.WriteLineAsync($"error: the node at {options.Node}: {ex.Message}");
                return 1;
            }
        });
        return root.Parse(args).InvokeAsync();
    }

    // System.CommandLine has no parser of its own for Uri.
    private static Uri ParseUrl(System.CommandLine.Parsing.ArgumentResult result)
    {
        var text = result.Tokens.Single().Value;
        if (Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https")
            return url;
        result.AddError($"'{text}' is not an http:// or https:// URL.");
        return new Uri("http://localhost:5000");
    }
}
