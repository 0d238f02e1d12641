using System.CommandLine;
using PeerNet.Client;

namespace PeerNet.Cli;

/// <summary>The options every command takes: which node, its API key, and JSON output.</summary>
internal sealed class GlobalOptions
{
    public const string UrlVariable = "PEERNET_URL";
    public const string ApiKeyVariable = "PEERNET_API_KEY";
    public const string DefaultUrl = "http://localhost:5000";

    public GlobalOptions(CliConsole console)
    {
        Url = new Option<Uri>("--url", "-u")
        {
            Description = $"The node's REST URL [env {UrlVariable}, default {DefaultUrl}].",
            Recursive = true,
            DefaultValueFactory = result => console.Environment(UrlVariable) is { Length: > 0 } url ? ParseUrl(url, result, UrlVariable) : new Uri(DefaultUrl),
            CustomParser = result => ParseUrl(result.Tokens.Single().Value, result, "--url"),
        };
        ApiKey = new Option<string?>("--api-key", "-k")
        {
            Description = $"The node's API key, sent as X-Api-Key [env {ApiKeyVariable}]. Without one, a node writes only for loopback clients.",
            Recursive = true,
            DefaultValueFactory = _ => console.Environment(ApiKeyVariable) is { Length: > 0 } key ? key : null,
        };
        Json = new Option<bool>("--json")
        {
            Description = "Print JSON (one object per line for streams) instead of text.",
            Recursive = true,
        };
    }

    public Option<Uri> Url { get; }

    public Option<string?> ApiKey { get; }

    public Option<bool> Json { get; }

    public void AddTo(Command root)
    {
        root.Options.Add(Url);
        root.Options.Add(ApiKey);
        root.Options.Add(Json);
    }

    public PeerNetClient CreateClient(ParseResult parse) => new(parse.GetValue(Url)!, parse.GetValue(ApiKey));

    private static Uri ParseUrl(string value, System.CommandLine.Parsing.ArgumentResult result, string source)
    {
        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            return uri;
        result.AddError($"{source} '{value}' is not an http:// or https:// URL.");
        return null!;
    }
}
