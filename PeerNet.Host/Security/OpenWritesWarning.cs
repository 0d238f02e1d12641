using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using PeerNet.Host.Hosting;

namespace PeerNet.Host.Security;

/// <summary>
/// Once the server listens: warns when a node without an API key is reachable beyond loopback, since then only the
/// loopback rule guards its writes, and a reverse proxy or a mesh sidecar on the same host makes every client loopback.
/// </summary>
internal sealed partial class OpenWritesWarning(
    IServer server, IHostApplicationLifetime lifetime, IOptions<PeerNetOptions> options, ILogger<OpenWritesWarning> logger) : IHostedService
{
    private CancellationTokenRegistration _started;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.ApiKey is null)
            _started = lifetime.ApplicationStarted.Register(Check);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _started.Dispose();
        return Task.CompletedTask;
    }

    private void Check()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var open = addresses.Where(BeyondLoopback).ToList();
        if (open.Count > 0)
            Log.KeylessBeyondLoopback(logger, string.Join(", ", open));
    }

    /// <summary>True when <paramref name="address"/> (a listening URL) is reachable from other machines.</summary>
    internal static bool BeyondLoopback(string address)
    {
        ServerUrl url;
        try
        {
            url = ServerUrl.Parse(address);
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException)
        {
            return true; // cannot tell: warn rather than stay silent
        }
        return url.Kind switch
        {
            ServerUrlKind.Localhost => false,
            ServerUrlKind.Ip => url.IsWildcard || !IPAddress.IsLoopback(url.Ip!),
            ServerUrlKind.AnyIp => true,
            _ => false, // a Unix socket or named pipe is local to this machine
        };
    }

    private static partial class Log
    {
        // Next free event id: 1302.
        [LoggerMessage(1301, LogLevel.Warning, "No API key (PeerNet:ApiKey) is set and the node listens beyond loopback ({Addresses}): " +
            "writes are accepted from loopback clients only, but a reverse proxy or a service-mesh sidecar on this host makes every client loopback. Set PeerNet:ApiKey.")]
        public static partial void KeylessBeyondLoopback(ILogger logger, string addresses);
    }
}
