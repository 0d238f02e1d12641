using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PeerNet.Storage.Entities;

namespace PeerNet.Storage.Configuration;

internal sealed class StoreSettingConfiguration : IEntityTypeConfiguration<StoreSettingEntity>
{
    public void Configure(EntityTypeBuilder<StoreSettingEntity> builder)
    {
        builder.ToTable("Settings");
        builder.HasKey(s => s.Name);
        builder.Property(s => s.Name).HasMaxLength(64);
        builder.Property(s => s.Value).IsRequired();
    }
}
