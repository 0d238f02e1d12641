using PeerNet.Host.Hosting;

// Composition only: everything the host adds lives in PeerNetHost.
return await PeerNetHost.RunAsync(args);

/// <summary>The entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
