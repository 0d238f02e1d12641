using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;

namespace PeerNet.Tests.Infrastructure;

/// <summary>The real host in memory (TestServer) with its own database file and an API key.</summary>
public sealed class ApiFactory(IReadOnlyDictionary<string, string?>? settings = null) : WebApplicationFactory<Program>
{
    public const string ApiKey = "test-api-key-0123456789";

    private readonly TempDirectory _dir = new();

    public string DatabaseFile => _dir.File("api.db");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Test");
        builder.ConfigureAppConfiguration((_, config) =>
        {
            var values = new Dictionary<string, string?>
            {
                ["ConnectionStrings:PeerNet"] = $"Data Source={DatabaseFile}",
                ["PeerNet:ApiKey"] = ApiKey,
                ["Serilog:MinimumLevel:Default"] = "Warning",
                // No dialling of saved addresses unless a test asks for the gossip engine: results stay deterministic.
                ["PeerNet:Bootstrap"] = "false",
            };
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
                values[key] = value;
            config.AddInMemoryCollection(values);
        });
    }

    /// <summary>A client that sends the API key with every request.</summary>
    public HttpClient CreateWriter()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        return client;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _dir.Dispose();
    }
}
