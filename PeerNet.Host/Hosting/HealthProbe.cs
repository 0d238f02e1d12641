namespace PeerNet.Host.Hosting;

/// <summary>
/// <c>--healthcheck</c>: asks the running node's <c>/readyz</c> on loopback and exits 0 when ready, 1 otherwise.
/// Container images without curl or wget use it as their HEALTHCHECK.
/// </summary>
internal static class HealthProbe
{
    public const string Argument = "--healthcheck";

    public static async Task<int> RunAsync()
    {
        var port = (Environment.GetEnvironmentVariable("ASPNETCORE_HTTP_PORTS") ?? "8080").Split(';', ',')[0].Trim();
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(4) };
        try
        {
            using var response = await client.GetAsync($"http://127.0.0.1:{port}/readyz");
            Console.WriteLine($"readyz: {(int)response.StatusCode}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            Console.WriteLine($"readyz: {ex.Message}");
            return 1;
        }
    }
}
