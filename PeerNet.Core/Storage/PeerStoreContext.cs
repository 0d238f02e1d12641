using Microsoft.EntityFrameworkCore;
using PeerNet.Storage.Entities;

namespace PeerNet.Storage;

/// <summary>The EF Core model of the peer store. Reads use short-lived pooled contexts; writes go through <see cref="PeerStoreWriter"/>.</summary>
public sealed class PeerStoreContext(DbContextOptions<PeerStoreContext> options) : DbContext(options)
{
    /// <summary>Addresses saved explicitly.</summary>
    public DbSet<NodeEntity> Nodes => Set<NodeEntity>();

    /// <summary>Addresses learned from peers: the bounded new and tried tables.</summary>
    public DbSet<LearnedNodeEntity> LearnedNodes => Set<LearnedNodeEntity>();

    /// <summary>Removed addresses and when.</summary>
    public DbSet<TombstoneEntity> Tombstones => Set<TombstoneEntity>();

    /// <summary>Per-address counters.</summary>
    public DbSet<StatsEntity> Stats => Set<StatsEntity>();

    /// <summary>The store's own settings (the address table's hash key).</summary>
    public DbSet<StoreSettingEntity> Settings => Set<StoreSettingEntity>();

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(PeerStoreContext).Assembly);
}
