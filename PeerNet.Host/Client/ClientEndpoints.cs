using PeerNet.Host.Hosting;

namespace PeerNet.Host.Client;

/// <summary>
/// <c>/client/{name}</c>: the browser client (clients/js/src, ES modules and their type declarations, embedded in the
/// assembly), so a page loads it from its seed node: <c>import { peernet } from 'http://seed/client/peernet.js'</c>.
/// </summary>
internal static class ClientEndpoints
{
    public const string Path = "/client";

    private static readonly EmbeddedAssets Assets = new("client/");

    public static IEndpointRouteBuilder MapBrowserClient(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path + "/{name}", (HttpContext context, string name) => Assets.Serve(context, name, (_, headers) =>
            {
                // A page on another origin imports the module (module scripts are fetched with CORS); it holds no secret.
                headers.AccessControlAllowOrigin = "*";
            }))
            .ExcludeFromDescription();
        return app;
    }
}
