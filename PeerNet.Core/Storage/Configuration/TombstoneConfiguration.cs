using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PeerNet.Addressing;
using PeerNet.Storage.Entities;

namespace PeerNet.Storage.Configuration;

internal sealed class TombstoneConfiguration : IEntityTypeConfiguration<TombstoneEntity>
{
    public void Configure(EntityTypeBuilder<TombstoneEntity> builder)
    {
        builder.ToTable("Tombstones");
        builder.HasKey(t => t.Key);
        builder.Property(t => t.Key).HasMaxLength(128).IsRequired();
        builder.Property(t => t.Address).HasMaxLength(PeerAddress.MaxLength).IsRequired();
        // Expired tombstones are deleted by time.
        builder.HasIndex(t => t.RemovedAt);
    }
}
