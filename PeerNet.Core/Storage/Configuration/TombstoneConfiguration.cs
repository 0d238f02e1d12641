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
        builder.HasKey(t => t.Ring);
        // INTEGER PRIMARY KEY: the row id itself, so the table is one B-tree ordered by ring position.
        builder.Property(t => t.Ring).ValueGeneratedNever();
        builder.Property(t => t.Address).HasMaxLength(PeerAddress.MaxLength).IsRequired();
        // Expired tombstones are deleted by time.
        builder.HasIndex(t => t.RemovedAt);
        builder.Property(t => t.Purged).HasDefaultValue(false).HasSentinel(true);
    }
}
