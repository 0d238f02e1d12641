using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace PeerNet.Storage;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without starting a host.</summary>
internal sealed class DesignTimeContextFactory : IDesignTimeDbContextFactory<PeerStoreContext>
{
    public PeerStoreContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PeerStoreContext>().UseSqlite("Data Source=design-time.db").Options);
}
