using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace PeerNet.Bench;

/// <summary>Where a started server listens (the benches bind port 0 and read the port Kestrel chose).</summary>
internal static class ServerAddress
{
    /// <summary>The first address <paramref name="app"/> listens on.</summary>
    public static Uri ListeningAddress(this WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
}
