namespace PeerNet.Host.Hosting;

/// <summary>
/// <c>--healthcheck</c>: asks the running node's <c>/readyz</c> where the node listens and exits 0 when ready,
/// 1 otherwise. Container images without curl or wget use it as their HEALTHCHECK.
/// </summary>
internal static class HealthProbe
{
    public const string Argument = "--healthcheck";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(4);

    /// <param name="args">What follows <c>--healthcheck</c>: configuration, given as the node itself takes it.</param>
    public static async Task<int> RunAsync(string[] args)
    {
        // The node's own configuration sources (appsettings*.json, ASPNETCORE_/DOTNET_ and plain environment
        // variables, the command line), so the probe finds the URLs Kestrel listens on.
        var target = ProbeTarget.Choose(WebApplication.CreateBuilder(args).Configuration);
        if (target.Url is null)
        {
            Console.WriteLine($"readyz: not probed: {target.Problem}");
            return 1;
        }

        using var client = new HttpClient(Handler()) { Timeout = Timeout };
        try
        {
            using var response = await client.GetAsync(target.Url);
            Console.WriteLine($"readyz {target.Url}: {(int)response.StatusCode}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            Console.WriteLine($"readyz {target.Url}: {ex.Message}");
            return 1;
        }
    }

    // An https-only node shows a certificate for its public name, not for the loopback host asked here; the probe
    // talks to its own machine and sends nothing secret, so any certificate will do.
    private static HttpClientHandler Handler() =>
        new() { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator };
}
