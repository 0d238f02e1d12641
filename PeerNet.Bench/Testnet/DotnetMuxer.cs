namespace PeerNet.Bench.Testnet;

/// <summary>The <c>dotnet</c> executable to start child processes with: the one running this bench, so no SDK on PATH is needed.</summary>
internal static class DotnetMuxer
{
    public static string Path =>
        Environment.ProcessPath is { } self && System.IO.Path.GetFileNameWithoutExtension(self) == "dotnet" ? self
        : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : "dotnet";
}
