using Microsoft.OpenApi;
using PeerNet.Host.Security;

namespace PeerNet.Host.Hosting;

/// <summary>Swagger UI at <c>/swagger</c> in every environment: operators watch a seed node through it.</summary>
internal static class SwaggerSetup
{
    public static IServiceCollection AddPeerNetSwagger(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(swagger =>
        {
            swagger.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "PeerNet seed node",
                Version = "v1",
                Description = "Known peers, stats, connections and announces of a PeerNet gossip node. " +
                    "Writes (POST, DELETE) need X-Api-Key when PeerNet:ApiKey is set, else a loopback client.",
            });
            foreach (var xml in new[] { "PeerNet.Host.xml", "PeerNet.Core.xml" })
            {
                var path = Path.Combine(AppContext.BaseDirectory, xml);
                if (File.Exists(path))
                    swagger.IncludeXmlComments(path);
            }
            swagger.AddSecurityDefinition(WriteAccessHandler.HeaderName, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = WriteAccessHandler.HeaderName,
                Description = "The node's API key (PeerNet:ApiKey), needed for writes when one is configured.",
            });
            swagger.AddSecurityRequirement(document => new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference(WriteAccessHandler.HeaderName, document)] = [],
            });
        });
        return services;
    }

    public static WebApplication UsePeerNetSwagger(this WebApplication app)
    {
        app.UseSwagger();
        app.UseSwaggerUI(ui => ui.DocumentTitle = "PeerNet seed node");
        return app;
    }
}
