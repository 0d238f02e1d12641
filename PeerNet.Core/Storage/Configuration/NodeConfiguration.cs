using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PeerNet.Addressing;
using PeerNet.Storage.Entities;

namespace PeerNet.Storage.Configuration;

internal sealed class NodeConfiguration : IEntityTypeConfiguration<NodeEntity>
{
    public void Configure(EntityTypeBuilder<NodeEntity> builder)
    {
        builder.ToTable("Nodes");
        // The primary key index is the hash ring: a random sample is one seek plus a short range scan.
        builder.HasKey(n => n.Key);
        builder.Property(n => n.Key).HasMaxLength(128).IsRequired();
        builder.Property(n => n.Address).HasMaxLength(PeerAddress.MaxLength).IsRequired();
    }
}
