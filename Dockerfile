# PeerNet seed node. Build: docker build -t peernet .
# Run:   docker run -d -p 127.0.0.1:8080:8080 -v peernet-data:/data -e PeerNet__ApiKey=change-me peernet

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files alone, so the package layer is cached across source edits.
COPY Directory.Build.props Directory.Packages.props ./
COPY PeerNet.Core/PeerNet.Core.csproj PeerNet.Core/
COPY PeerNet.Host/PeerNet.Host.csproj PeerNet.Host/
RUN dotnet restore PeerNet.Host/PeerNet.Host.csproj
COPY appsettings.json ./
COPY PeerNet.Core/ PeerNet.Core/
COPY PeerNet.Host/ PeerNet.Host/
COPY clients/js/src/ clients/js/src/
RUN dotnet publish PeerNet.Host/PeerNet.Host.csproj -c Release -o /app --no-restore -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS final
WORKDIR /app
COPY --from=build /app ./
# The database lives on a volume owned by the non-root app user.
RUN mkdir -p /data && chown "$APP_UID" /data
VOLUME /data
ENV ASPNETCORE_HTTP_PORTS=8080 \
    ConnectionStrings__PeerNet="Data Source=/data/peernet.db" \
    Logging__Json=true
EXPOSE 8080
USER $APP_UID
# The image has no curl or wget: the node probes its own /readyz.
HEALTHCHECK --interval=15s --timeout=5s --start-period=10s --retries=3 \
    CMD ["dotnet", "/app/PeerNet.Host.dll", "--healthcheck"]
ENTRYPOINT ["dotnet", "/app/PeerNet.Host.dll"]
