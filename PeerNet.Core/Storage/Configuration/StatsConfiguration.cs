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
        builder.HasKey(s => s.Key);
        builder.Property(s => s.Key).HasMaxLength(128).IsRequired();
        builder.Property(s => s.Address).HasMaxLength(PeerAddress.MaxLength).IsRequired();
    }
}
