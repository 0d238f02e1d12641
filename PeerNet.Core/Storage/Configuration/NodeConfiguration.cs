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
        builder.HasKey(n => n.Ring);
        // INTEGER PRIMARY KEY: the row id itself, so the table is one B-tree ordered by ring position.
        builder.Property(n => n.Ring).ValueGeneratedNever();
        builder.Property(n => n.Address).HasMaxLength(PeerAddress.MaxLength).IsRequired();
    }
}
