using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PeerNet.Storage;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Storage;

/// <summary>A started <see cref="PeerStore"/> on a SQLite file, built through <c>AddPeerNet</c> as a library user would.</summary>
internal sealed class StoreHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private StoreHarness(ServiceProvider services, PeerStore store)
    {
        _services = services;
        Store = store;
    }

    public PeerStore Store { get; }

    public static async Task<StoreHarness> StartAsync(
        string databaseFile,
        Action<PeerNetOptions>? configure = null,
        TimeProvider? time = null,
        RandomSource? random = null)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddPeerNet(configure, connectionString: $"Data Source={databaseFile}");
        if (time is not null)
            services.Replace(ServiceDescriptor.Singleton(time));
        if (random is not null)
            services.Replace(ServiceDescriptor.Singleton(random));
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        var store = provider.GetRequiredService<PeerStore>();
        await store.StartAsync(CancellationToken.None);
        return new StoreHarness(provider, store);
    }

    public async ValueTask DisposeAsync()
    {
        await Store.StopAsync(CancellationToken.None);
        await _services.DisposeAsync();
    }
}
