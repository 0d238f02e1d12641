using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PeerNet.Addressing;
using PeerNet.Storage.Entities;

namespace PeerNet.Storage.Configuration;

internal sealed class LearnedNodeConfiguration : IEntityTypeConfiguration<LearnedNodeEntity>
{
    public void Configure(EntityTypeBuilder<LearnedNodeEntity> builder)
    {
        // A table of its own: explicit saves (a million in the store bench) pay nothing for the learned table's
        // indexes, and this one stays small (at most NewCapacity + TriedCapacity rows).
        builder.ToTable("LearnedNodes");
        builder.HasKey(n => n.Ring);
        // INTEGER PRIMARY KEY: the row id itself.
        builder.Property(n => n.Ring).ValueGeneratedNever();
        builder.Property(n => n.Address).HasMaxLength(PeerAddress.MaxLength).IsRequired();
        // One address per slot of each part.
        builder.HasIndex(n => new { n.Kind, n.Slot }).IsUnique();
        // Samples walk the ring of one part from a random point.
        builder.HasIndex(n => new { n.Kind, n.Ring });
    }
}
