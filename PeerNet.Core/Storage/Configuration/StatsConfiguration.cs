using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PeerNet.Addressing;
using PeerNet.Storage.Entities;

namespace PeerNet.Storage.Configuration;

internal sealed class StatsConfiguration : IEntityTypeConfiguration<StatsEntity>
{
    public void Configure(EntityTypeBuilder<StatsEntity> builder)
    {
        builder.ToTable("Stats");
        builder.HasKey(s => s.Ring);
        // INTEGER PRIMARY KEY: the row id itself, so the table is one B-tree ordered by ring position.
        builder.Property(s => s.Ring).ValueGeneratedNever();
        builder.Property(s => s.Address).HasMaxLength(PeerAddress.MaxLength).IsRequired();
    }
}
